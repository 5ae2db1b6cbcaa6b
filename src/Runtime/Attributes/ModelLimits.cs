// Shared with the generator (linked into src/Generator): the sizes it checks a declared model against (AOTNET015) are
// the ones the runtime allocates with.
namespace AotNet;

/// <summary>The array sizes a generated model's buffers must fit in.</summary>
internal static class ModelLimits
{
    /// <summary>Rows per chunk (<c>TrainingContext.ChunkRows</c>): the rows of every training workspace.</summary>
    public const int ChunkRows = 256;

    /// <summary>Array.MaxLength: the most floats one array (the parameter block, a workspace) holds.</summary>
    public const long MaxArrayLength = 0x7FFFFFC7;
}
