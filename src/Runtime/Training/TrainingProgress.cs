namespace AotNet.Training;

/// <summary>
/// Live progress, written by the training thread with plain field stores (no allocation, no callback) and read by
/// whoever draws a progress bar, from any thread.
/// </summary>
public sealed class TrainingProgress
{
    private int _epoch, _epochs, _batch, _batches;
    private double _loss, _metric;

    public int Epoch => Volatile.Read(ref _epoch);

    public int Epochs => Volatile.Read(ref _epochs);

    public int Batch => Volatile.Read(ref _batch);

    public int Batches => Volatile.Read(ref _batches);

    /// <summary>Running mean of the loss over the epoch's batches so far.</summary>
    public double Loss => Volatile.Read(ref _loss);

    /// <summary>The first declared metric over the epoch's batches so far.</summary>
    public double Metric => Volatile.Read(ref _metric);

    internal void Update(int epoch, int epochs, int batch, int batches, double loss, double metric)
    {
        Volatile.Write(ref _loss, loss);
        Volatile.Write(ref _metric, metric);
        Volatile.Write(ref _epochs, epochs);
        Volatile.Write(ref _batches, batches);
        Volatile.Write(ref _epoch, epoch);
        Volatile.Write(ref _batch, batch);
    }
}
