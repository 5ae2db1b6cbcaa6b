using AotNet;

// The models of torch_features.py's cases, one per case (the class name is the case name in PascalCase with a Torch
// prefix). Their attributes must say what the case says: TorchReferenceTests checks every field the generated
// Description exposes against the JSON before training.
namespace AotNet.Tests.Reference.Models
{
    // hidden-layer activations: 6 -> 8 act -> 2 linear, mse, plain SGD 0.1, metric mae
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Relu)]
    [Dense(2)]
    public sealed partial class TorchActivationRelu;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Gelu)]
    [Dense(2)]
    public sealed partial class TorchActivationGelu;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Elu)]
    [Dense(2)]
    public sealed partial class TorchActivationElu;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Selu)]
    [Dense(2)]
    public sealed partial class TorchActivationSelu;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.LeakyRelu)]
    [Dense(2)]
    public sealed partial class TorchActivationLeakyRelu;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.LeakyRelu, NegativeSlope = 0.05)]
    [Dense(2)]
    public sealed partial class TorchActivationLeakyReluSlope005;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Softplus)]
    [Dense(2)]
    public sealed partial class TorchActivationSoftplus;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Silu)]
    [Dense(2)]
    public sealed partial class TorchActivationSilu;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchActivationTanh;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Sigmoid)]
    [Dense(2)]
    public sealed partial class TorchActivationSigmoid;

    // losses
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, LearningRate = 0.01, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Tanh)]
    [Dense(3)]
    public sealed partial class TorchLossMse;

    [Sequential(6, Loss = Loss.MeanAbsoluteError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Relu)]
    [Dense(2)]
    public sealed partial class TorchLossMae;

    [Sequential(6, Loss = Loss.Huber, Optimizer = Optimizer.Adam, LearningRate = 0.01)]
    [Dense(8, Activation.Relu)]
    [Dense(3)]
    public sealed partial class TorchLossHuber;

    [Sequential(6, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(8, Activation.Tanh)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class TorchLossBinaryCrossentropy;

    [Sequential(6, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(8, Activation.Relu)]
    [Dense(4, Activation.Softmax)]
    public sealed partial class TorchLossCategoricalCrossentropy;

    [Sequential(6, Loss = Loss.SparseCategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(8, Activation.Relu)]
    [Dense(4, Activation.Softmax)]
    public sealed partial class TorchLossSparseCategoricalCrossentropy;

    // regularisers
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1)]
    [Dense(8, Activation.Tanh, KernelL1 = 0.01)]
    [Dense(2, KernelL1 = 0.02)]
    public sealed partial class TorchRegularizerKernelL1;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1)]
    [Dense(8, Activation.Tanh, KernelL2 = 0.02)]
    [Dense(2, KernelL2 = 0.05)]
    public sealed partial class TorchRegularizerKernelL2;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1)]
    [Dense(8, Activation.Tanh, BiasL1 = 0.02)]
    [Dense(2, BiasL1 = 0.05)]
    public sealed partial class TorchRegularizerBiasL1;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1)]
    [Dense(8, Activation.Tanh, BiasL2 = 0.05)]
    [Dense(2, BiasL2 = 0.1)]
    public sealed partial class TorchRegularizerBiasL2;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Relu, KernelL1 = 0.01, KernelL2 = 0.01, BiasL1 = 0.01, BiasL2 = 0.01)]
    [Dense(2, KernelL2 = 0.02)]
    public sealed partial class TorchRegularizerL1L2Adam;

    // optimizers on 6 -> 8 tanh -> 2, mse
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.05)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchOptimizerSgd;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.05, Momentum = 0.9)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchOptimizerSgdMomentum;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.05, Momentum = 0.9, Nesterov = true)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchOptimizerSgdNesterov;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, LearningRate = 0.005)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchOptimizerRmsprop;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, LearningRate = 0.01)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchOptimizerAdam;

    // gradient clipping
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, LearningRate = 0.01, ClipValue = 0.5)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchClipValue;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.05, Momentum = 0.5, ClipNorm = 3.0)]
    [Dense(8, Activation.Tanh, KernelL2 = 0.01)]
    [Dense(2)]
    public sealed partial class TorchClipNorm;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, LearningRate = 0.01, GlobalClipNorm = 13.0)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchClipGlobalNorm;

    // multi-hot inputs (CSR)
    [Sequential(40, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(8, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class TorchMultiHotRmsprop;

    [Sequential(40, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(8, Activation.Relu, KernelL2 = 0.01)]
    [Dense(3, Activation.Softmax)]
    public sealed partial class TorchMultiHotAdamL2;

    // shapes that take other code paths
    [Sequential(4, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, LearningRate = 0.01, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Relu)]
    [Dense(1)]
    public sealed partial class TorchBatchSize1;

    [Sequential(10, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, LearningRate = 0.005)]
    [Dense(70, Activation.Gelu)]
    [Dense(9, Activation.Elu)]
    [Dense(6, Activation.Silu)]
    [Dense(2, Activation.Softplus)]
    public sealed partial class TorchWideDeep;

    [Sequential(6, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(8, Activation.Tanh)]
    [Dense(3, Activation.Softmax)]
    public sealed partial class TorchBatchOver256Rows;
}

namespace AotNet.Tests.Reference.Models
{
    /// <summary>activation_tanh's model with a learning rate 1 % larger (0.101): must not match that case.</summary>
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.101, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchActivationTanhLearningRateOff;
}

// Cases that need several metrics per model.
namespace AotNet.Tests.Reference.Models
{
    [Sequential(6, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 0.01,
        Metrics = Metric.Accuracy | Metric.MeanSquaredError | Metric.Auc | Metric.Precision | Metric.Recall)]
    [Dense(8, Activation.Tanh)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class TorchMetricsBinary;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.MeanAbsoluteError | Metric.MeanSquaredError)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchMetricsRegression;
}

// Cases that need sample and class weights (LabeledData.SampleWeights, FitOptions.ClassWeight).
namespace AotNet.Tests.Reference.Models
{
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Metrics = Metric.MeanAbsoluteError)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchSampleWeightsMse;

    [Sequential(6, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(8, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class TorchSampleWeightsBinaryCrossentropy;

    [Sequential(4, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, LearningRate = 0.01)]
    [Dense(8, Activation.Relu)]
    [Dense(1)]
    public sealed partial class TorchSampleWeightsBatchSize1;

    [Sequential(40, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 0.01)]
    [Dense(8, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class TorchSampleWeightsMultiHot;

    [Sequential(6, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.Accuracy)]
    [Dense(8, Activation.Relu)]
    [Dense(4, Activation.Softmax)]
    public sealed partial class TorchClassWeightCategorical;

    [Sequential(6, Loss = Loss.SparseCategoricalCrossentropy, Optimizer = Optimizer.Sgd, LearningRate = 0.1)]
    [Dense(8, Activation.Tanh)]
    [Dense(4, Activation.Softmax)]
    public sealed partial class TorchClassWeightSparse;

    [Sequential(6, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.RmsProp, LearningRate = 0.01)]
    [Dense(8, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class TorchClassWeightBinary;
}

// Cases that need AdamW / WeightDecay, learning-rate schedules and ReduceLROnPlateau.
namespace AotNet.Tests.Reference.Models
{
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.AdamW, LearningRate = 0.01, WeightDecay = 0.05)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchOptimizerAdamW;

    /// <summary>AdamW without WeightDecay: Keras's default 0.004.</summary>
    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.AdamW, LearningRate = 0.01, GlobalClipNorm = 13.0)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchOptimizerAdamWDefaultDecayClipped;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 0.1)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchOptimizerSgdWeightDecay;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchScheduleExponentialDecay;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.1, Momentum = 0.5)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchScheduleExponentialDecayStaircase;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Adam, LearningRate = 0.02)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchScheduleCosineDecay;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.AdamW, LearningRate = 0.001, WeightDecay = 0.05)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchScheduleCosineDecayWarmup;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.RmsProp, LearningRate = 0.1)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchSchedulePiecewiseConstant;

    [Sequential(6, Loss = Loss.MeanSquaredError, Optimizer = Optimizer.Sgd, LearningRate = 0.3)]
    [Dense(8, Activation.Tanh)]
    [Dense(2)]
    public sealed partial class TorchReduceLrOnPlateau;
}

// Cases that need several metrics and sample weights.
namespace AotNet.Tests.Reference.Models
{
    [Sequential(6, Loss = Loss.BinaryCrossentropy, Optimizer = Optimizer.Adam, LearningRate = 0.01, Metrics = Metric.Auc | Metric.Precision | Metric.Recall)]
    [Dense(8, Activation.Relu)]
    [Dense(1, Activation.Sigmoid)]
    public sealed partial class TorchMetricsWithSampleWeights;
}
