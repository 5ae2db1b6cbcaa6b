namespace AotNet.Training;

/// <summary>Told at the end of every epoch; may allocate (its allocations are not counted as training's).</summary>
public interface ITrainingObserver
{
    void OnEpochEnd(int epoch, History history, TimeSpan epochTime);
}
