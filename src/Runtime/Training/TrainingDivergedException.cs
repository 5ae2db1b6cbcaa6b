namespace AotNet.Training;

/// <summary>The training did not converge: a NaN or infinite loss.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
