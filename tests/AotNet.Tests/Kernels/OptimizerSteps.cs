using AotNet.Kernels;

namespace AotNet.Tests.Kernels;

/// <summary>
/// RMSprop, Adam and SGD over a block with their constants as arguments: thin wrappers over the generic
/// <see cref="OptimizerKernels"/> entry points with one update struct each, for the kernel tests (generated models
/// call the generic entry points with their own update struct).
/// </summary>
internal static class OptimizerSteps
{
    /// <summary>RMSprop (Keras 3) over a block: <see cref="OptimizerKernels.Apply{TUpdate}"/> with <see cref="RmsPropUpdate"/>.</summary>
    public static void RmsProp(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float scale, float learningRate, float rho, float epsilon) =>
        OptimizerKernels.Apply(new RmsPropUpdate(learningRate, rho, epsilon), weights, gradients, velocity, default, scale);

    /// <summary>RMSprop with the legacy epsilon placement: <see cref="OptimizerKernels.Apply{TUpdate}"/> with <see cref="RmsPropLegacyUpdate"/>.</summary>
    public static void RmsPropLegacy(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float scale, float learningRate, float rho, float epsilon) =>
        OptimizerKernels.Apply(new RmsPropLegacyUpdate(learningRate, rho, epsilon), weights, gradients, velocity, default, scale);

    /// <summary><see cref="OptimizerKernels.ApplyOuter{TUpdate}"/> with <see cref="RmsPropUpdate"/>.</summary>
    public static void RmsPropOuter(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> velocity, float learningRate, float rho, float epsilon) =>
        OptimizerKernels.ApplyOuter(new RmsPropUpdate(learningRate, rho, epsilon), x, dy, weights, velocity, default);

    /// <summary><see cref="OptimizerKernels.ApplyOuterBackprop{TUpdate}"/> with <see cref="RmsPropUpdate"/>.</summary>
    public static void RmsPropOuterBackprop(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> velocity, Span<float> dx, float learningRate, float rho, float epsilon) =>
        OptimizerKernels.ApplyOuterBackprop(new RmsPropUpdate(learningRate, rho, epsilon), x, dy, weights, velocity, default, dx);

    /// <summary><see cref="OptimizerKernels.ApplyOuterBackpropRelu{TUpdate}"/> with <see cref="RmsPropUpdate"/>.</summary>
    public static void RmsPropOuterBackpropRelu(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> weights, Span<float> velocity, Span<float> dx, float learningRate, float rho, float epsilon) =>
        OptimizerKernels.ApplyOuterBackpropRelu(new RmsPropUpdate(learningRate, rho, epsilon), x, dy, weights, velocity, default, dx);

    /// <summary>Adam's bias-corrected step size for step <paramref name="step"/> (1-based): <see cref="AdamUpdate.StepSizeOf"/>.</summary>
    public static float AdamStepSize(float learningRate, float beta1, float beta2, long step) =>
        AdamUpdate.StepSizeOf(learningRate, beta1, beta2, step);

    /// <summary>Adam (Keras 3) with step size <paramref name="stepSize"/> from <see cref="AdamStepSize"/>: <see cref="OptimizerKernels.Apply{TUpdate}"/> with <see cref="AdamUpdate"/>.</summary>
    public static void Adam(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> m, Span<float> v, float scale, float stepSize, float beta1, float beta2, float epsilon) =>
        OptimizerKernels.Apply(AdamUpdate.WithStepSize(stepSize, beta1, beta2, epsilon), weights, gradients, m, v, scale);

    /// <summary>Plain SGD: <see cref="OptimizerKernels.Apply{TUpdate}"/> with <see cref="SgdUpdate"/>.</summary>
    public static void Sgd(Span<float> weights, ReadOnlySpan<float> gradients, float scale, float learningRate) =>
        OptimizerKernels.Apply(new SgdUpdate(learningRate), weights, gradients, default, default, scale);

    /// <summary>SGD with momentum (Keras 3, not Nesterov): <see cref="OptimizerKernels.Apply{TUpdate}"/> with <see cref="SgdMomentumUpdate"/>.</summary>
    public static void SgdMomentum(Span<float> weights, ReadOnlySpan<float> gradients, Span<float> velocity, float scale, float learningRate, float momentum) =>
        OptimizerKernels.Apply(new SgdMomentumUpdate(learningRate, momentum), weights, gradients, velocity, default, scale);
}
