using AotNet;

namespace AotNet.Tests.Generator.Models
{
    /// <summary>Dropout after a wide relu layer and after a tanh layer (units split into tiles: 80, 72 ≥ 64), RMSprop.</summary>
    [Sequential(96, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(80, Activation.Relu)]
    [Dropout(0.5)]
    [Dense(72, Activation.Tanh)]
    [Dropout(0.25)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class DropoutNet;

    /// <summary>Dropout after a sigmoid layer (its backward needs the undropped outputs), Adam, regression.</summary>
    [Sequential(20, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, Metrics = Metric.MeanAbsoluteError, LearningRate = 0.01)]
    [Dense(12, Activation.Sigmoid)]
    [Dropout(0.4)]
    [Dense(3)]
    public sealed partial class DropoutAdamNet;

    /// <summary>A multi-hot classifier with dropout after its first layer: the row-wise first-kernel RMSprop step.</summary>
    [Sequential(500, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy, LearningRate = 0.01)]
    [Dense(40, Activation.Relu)]
    [Dropout(0.3)]
    [Dense(7, Activation.Softmax)]
    public sealed partial class DropoutSparseNet;

    /// <summary>The book's L2 model on multi-hot inputs under RMSprop: a regularised first kernel leaves the row-wise step.</summary>
    [Sequential(300, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(16, Activation.Relu, KernelL2 = 0.002)]
    [Dense(16, Activation.Relu, KernelL2 = 0.002)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class L2Net;

    /// <summary>L1 and L2 on kernels and biases, with dropout in between, Adam, a wide tanh layer (tiles).</summary>
    [Sequential(30, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, Metrics = Metric.MeanAbsoluteError, LearningRate = 0.01)]
    [Dense(70, Activation.Tanh, KernelL1 = 0.01, BiasL2 = 0.05)]
    [Dropout(0.2)]
    [Dense(2, KernelL2 = 0.01, BiasL1 = 0.02)]
    public sealed partial class RegularizedNet;

    /// <summary>A regularised regression net under RMSprop trained row by row (the fused one-row step does not apply).</summary>
    [Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
    [Dense(64, Activation.Relu, KernelL2 = 0.001, BiasL1 = 0.001)]
    [Dense(1)]
    public sealed partial class RegularizedRmsNet;

    /// <summary>WideSparseNet's topology under sparse categorical cross-entropy: integer labels, the row-wise multi-hot step.</summary>
    [Sequential(500, Loss = Loss.SparseCategoricalCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy, LearningRate = 0.01)]
    [Dense(40, Activation.Relu)]
    [Dense(7, Activation.Softmax)]
    public sealed partial class SparseLabelNet;

    /// <summary>Sparse categorical cross-entropy on dense inputs with Adam and a wide tanh layer (tiles).</summary>
    [Sequential(33, Loss = Loss.SparseCategoricalCrossentropy, Optimizer = Optimizer.Adam, Metrics = Metric.Accuracy)]
    [Dense(80, Activation.Tanh)]
    [Dense(5, Activation.Softmax)]
    public sealed partial class SparseLabelAdamNet;

    /// <summary>Mean absolute error as the loss, RMSprop (rows one at a time take the chunk path).</summary>
    [Sequential(13, Loss = Loss.MeanAbsoluteError, Optimizer = Optimizer.RmsProp, Metrics = Metric.MeanAbsoluteError)]
    [Dense(64, Activation.Relu)]
    [Dense(2)]
    public sealed partial class MaeNet;

    /// <summary>Huber loss with SGD momentum and a tanh output.</summary>
    [Sequential(20, Loss = Loss.Huber, Optimizer = Optimizer.Sgd, Momentum = 0.9, LearningRate = 0.05)]
    [Dense(12, Activation.Relu)]
    [Dense(3, Activation.Tanh)]
    public sealed partial class HuberNet;

    /// <summary>Gelu (wide: units split into tiles), Elu, and a Softplus output under mean squared error, Adam.</summary>
    [Sequential(12, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, Metrics = Metric.MeanAbsoluteError, LearningRate = 0.01)]
    [Dense(70, Activation.Gelu)]
    [Dense(9, Activation.Elu)]
    [Dense(2, Activation.Softplus)]
    public sealed partial class GeluEluNet;

    /// <summary>Selu on a multi-hot first layer, dropout, LeakyRelu with its own slope, a sigmoid output, RMSprop.</summary>
    [Sequential(300, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, Metrics = Metric.Accuracy)]
    [Dense(16, Activation.Selu)]
    [Dropout(0.1)]
    [Dense(8, Activation.LeakyRelu, NegativeSlope = 0.1)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class SeluLeakyNet;

    /// <summary>Silu (wide) and a LeakyRelu output with Keras's default slope, Huber, plain SGD.</summary>
    [Sequential(10, Loss = Loss.Huber, Optimizer = Optimizer.Sgd, LearningRate = 0.05)]
    [Dense(65, Activation.Silu)]
    [Dense(3, Activation.LeakyRelu)]
    public sealed partial class SiluNet;

    /// <summary>SGD with Nesterov momentum.</summary>
    [Sequential(10, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, Momentum = 0.9, Nesterov = true, LearningRate = 0.02, Metrics = Metric.MeanAbsoluteError)]
    [Dense(70, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class NesterovNet;

    /// <summary>The same with classic momentum (Nesterov off), for comparison.</summary>
    [Sequential(10, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, Momentum = 0.9, LearningRate = 0.02, Metrics = Metric.MeanAbsoluteError)]
    [Dense(70, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class ClassicMomentumNet;

    /// <summary>clipvalue with Adam.</summary>
    [Sequential(10, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, ClipValue = 0.05, Metrics = Metric.MeanAbsoluteError)]
    [Dense(70, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class ClipValueNet;

    /// <summary>clipnorm per variable with SGD momentum and an L2 regulariser (whose gradient is clipped with the rest).</summary>
    [Sequential(10, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, Momentum = 0.5, LearningRate = 0.05, ClipNorm = 0.2, Metrics = Metric.MeanAbsoluteError)]
    [Dense(70, Activation.Tanh, KernelL2 = 0.01)]
    [Dense(2)]
    public sealed partial class ClipNormNet;

    /// <summary>global_clipnorm on a multi-hot RMSprop model (the row-wise first-kernel step gives way to the block path).</summary>
    [Sequential(300, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, GlobalClipNorm = 0.02, Metrics = Metric.Accuracy)]
    [Dense(16, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class GlobalClipNormNet;

    /// <summary>AdamW with its default weight decay (0.004) and learning rate.</summary>
    [Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.AdamW, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Relu)]
    [Dense(1)]
    public sealed partial class AdamWDefaultNet;

    /// <summary>AdamW, Boston-like (13 → 64 relu → 1): batch 1 takes the fused one-row step; a large decay so that it shows.</summary>
    [Sequential(13, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.AdamW, WeightDecay = 0.5, LearningRate = 0.01, Metrics = Metric.MeanAbsoluteError)]
    [Dense(64, Activation.Relu)]
    [Dense(1)]
    public sealed partial class AdamWNet;

    /// <summary>RMSprop with weight decay on multi-hot inputs: the row-wise first-kernel step, every row decayed.</summary>
    [Sequential(300, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, WeightDecay = 0.5, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(40, Activation.Relu)]
    [Dense(7, Activation.Softmax)]
    public sealed partial class RmsPropDecayNet;

    /// <summary>SGD momentum with weight decay and clipvalue, a wide tanh layer (tiles), regression.</summary>
    [Sequential(20, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, Momentum = 0.9, LearningRate = 0.05, WeightDecay = 0.3, ClipValue = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(80, Activation.Tanh)]
    [Dense(3)]
    public sealed partial class SgdDecayClipNet;

    /// <summary>AdamW with global_clipnorm on multi-hot inputs (the block path) and a sigmoid output.</summary>
    [Sequential(300, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.AdamW, WeightDecay = 0.2, LearningRate = 0.01, GlobalClipNorm = 0.05, Metrics = Metric.Accuracy)]
    [Dense(16, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class AdamWClipNet;

    /// <summary>Plain SGD with weight decay on a one-unit tanh output under the fused one-row step.</summary>
    [Sequential(10, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.05, WeightDecay = 0.4)]
    [Dense(24, Activation.Sigmoid)]
    [Dense(1, Activation.Tanh)]
    public sealed partial class SgdDecayNet;

    /// <summary>RMSprop with weight decay on a wide layer: a one-chunk batch of 200 rows is split into tiles over the workers (rows × parameters ≥ 2^23).</summary>
    [Sequential(200, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.RmsProp, WeightDecay = 0.5, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(256, Activation.Relu)]
    [Dense(10, Activation.Softmax)]
    public sealed partial class DecayWideNet;
}
