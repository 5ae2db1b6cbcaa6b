using AotNet.Training;

namespace AotNet.Tests.Training;

/// <summary>The runtime's chunk scheduler: how it cuts work among jobs (the generated models' training goes through it: ModelBits checks their bits).</summary>
public class ChunkSchedulerTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(5121, 2, 16)]
    [InlineData(64, 2, 16)]
    [InlineData(7, 3, 1)]
    [InlineData(10, 8, 16)]
    [InlineData(1 << 20, 7, 16)]
    public void PartsCoverTheRangeInOrderWithAlignedInnerBounds(int total, int jobs, int align)
    {
        int expected = 0;
        for (int job = 0; job < jobs; job++)
        {
            var (from, to) = TileSplit.Part(total, job, jobs, align);
            Assert.Equal(expected, from);
            Assert.True(to >= from, $"job {job}: [{from}, {to})");
            if (job < jobs - 1)
            {
                Assert.Equal(0, to % align);
            }

            expected = to;
        }

        Assert.Equal(total, expected);
    }

    [Fact]
    public void TheTileThresholdIsTheOneTheModelsUsedToCarry() =>
        Assert.Equal(1L << 23, ChunkScheduler<NoPasses>.TileThreshold);

    [Fact]
    public void ChunkRowsIsTheGeneratorsWorkspaceSize() =>
        Assert.Equal(ModelLimits.ChunkRows, TrainingContext.ChunkRows);

    private struct NoPasses : IChunkPasses
    {
        public int ParameterCount => 0;
        public int InputCount => 0;
        public int OutputCount => 0;
        public int LayerCount => 0;
        public bool TilesSupported => false;
        public bool FirstKernelRowWise => false;
        public int CounterCount => 0;
        public float[] Gradients => [];
        public int LayerInputs(int layer) => 0;
        public int LayerUnits(int layer) => 0;
        public bool TilesByRows(int layer) => true;
        public Workspace CreateWorkspace(int maxRows) => new(maxRows, 1);
        public AotNet.Data.DenseMatrix? CheckBatch(in Batch batch, Workspace workspace, bool needsTargets) => null;
        public BatchStats ChunkPass(AotNet.Data.Features inputs, AotNet.Data.DenseMatrix targets, ReadOnlySpan<int> rows, Workspace workspace, Span<float> gradient, bool accumulate, Span<float> firstLayerDeltas, float[]? weights) => default;
        public void LoadInputs(AotNet.Data.Features inputs, ReadOnlySpan<int> rows, Workspace workspace) { }
        public void ForwardChunk(AotNet.Data.Features inputs, ReadOnlySpan<int> rows, Workspace workspace) { }
        public void Forward(int layer, TrainingContext context, Workspace workspace, int from, int to) { }
        public void LossRows(AotNet.Data.DenseMatrix targets, ReadOnlySpan<int> rows, Workspace workspace, int from, int to, bool gradient, float[]? weights) { }
        public BatchStats Sums(Workspace workspace, int rows, in BatchStats start) => start;
        public Span<float> Outputs(Workspace workspace) => default;
        public void Backward(int layer, TrainingContext context, Workspace workspace, int from, int to, bool bias) { }
        public void BeginStep() { }
        public void StepRange(int start, int end, float scale) { }
        public void FirstKernelStep(FirstKernelGradient firstKernel, int job, float scale) { }
    }
}
