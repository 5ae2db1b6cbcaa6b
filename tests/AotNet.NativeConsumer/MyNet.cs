using AotNet;

namespace AotNet.NativeConsumer;

/// <summary>A user topology with a C interface (mynet_create, mynet_load, mynet_predict, …; see mynet.h).</summary>
[NativeExports("mynet")]
[Sequential(13, Loss = Loss.CategoricalCrossentropy, Optimizer = Optimizer.Adam)]
[Dense(32, Activation.Relu)]
[Dropout(0.2)]
[Dense(16, Activation.Gelu)]
[Dense(8, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public sealed partial class MyNet;
