using AotNet.App;
using AotNet.IO;

namespace AotNet.Tests.IO;

/// <summary>
/// Issue 21 item 5: SafeTensors.ToModel checks every tensor (presence, shape, byte length against the shape, finite
/// values, nothing unexpected) before it copies anything, so bad weights never change a model's parameters.
/// </summary>
public sealed class SafeTensorsValidationTests
{
    private static (Dictionary<string, Tensor> Tensors, float[] Parameters) Boston()
    {
        var parameters = BostonNet.Create(3).Parameters.ToArray();
        var tensors = SafeTensors.FromModel(BostonNet.Description, BostonNet.Create(0).Parameters).ToDictionary(t => t.Name);
        return (tensors, parameters);
    }

    private static void AssertRefusedAndUntouched(Dictionary<string, Tensor> tensors, float[] parameters, params string[] expected)
    {
        float[] before = [.. parameters];
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensors.ToModel(BostonNet.Description, tensors, parameters));
        foreach (string text in expected)
        {
            Assert.Contains(text, e.Message);
        }

        Assert.Equal(before, parameters);
    }

    [Fact]
    public void A_bias_with_more_values_than_its_shape_is_refused_and_nothing_is_copied()
    {
        var (tensors, parameters) = Boston();
        tensors["dense_0.bias"] = new Tensor("dense_0.bias", [64], new float[66]);
        AssertRefusedAndUntouched(tensors, parameters, "dense_0.bias", "66 values", "needs 64");
    }

    [Fact]
    public void A_kernel_with_fewer_values_than_its_shape_is_refused_and_nothing_is_copied()
    {
        var (tensors, parameters) = Boston();
        tensors["dense_1.kernel"] = new Tensor("dense_1.kernel", [64, 64], [1f]);
        AssertRefusedAndUntouched(tensors, parameters, "dense_1.kernel", "1 values", "needs 4096");
    }

    [Fact]
    public void A_missing_last_tensor_is_found_before_the_first_is_copied()
    {
        var (tensors, parameters) = Boston();
        tensors.Remove("dense_2.bias");
        AssertRefusedAndUntouched(tensors, parameters, "dense_2.bias", "missing");

        (tensors, parameters) = Boston();
        tensors["dense_2.kernel"] = new Tensor("dense_2.kernel", [64, 1], [.. Enumerable.Repeat(float.NaN, 64)]);
        AssertRefusedAndUntouched(tensors, parameters, "dense_2.kernel");
    }
}
