namespace AotNet.Training;

/// <summary>A unit of parallel work: <see cref="Execute"/> runs job <c>jobIndex</c> on worker <c>workerIndex</c>.</summary>
public interface IParallelJob
{
    void Execute(int jobIndex, int workerIndex);
}
