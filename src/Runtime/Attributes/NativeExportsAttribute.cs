namespace AotNet;

/// <summary>
/// Opt-in C interface: on a model declared with <see cref="SequentialAttribute"/>, the generator writes
/// <c>[UnmanagedCallersOnly]</c> entry points named <c>{prefix}_create</c>, <c>{prefix}_load</c>,
/// <c>{prefix}_load_buffer</c>, <c>{prefix}_predict</c>, <c>{prefix}_free</c>, <c>{prefix}_last_error</c>,
/// <c>{prefix}_input_size</c> and <c>{prefix}_output_size</c> (see <see cref="Interop.NativeModel{TModel}"/>), and the
/// C header <c>{prefix}.h</c> declaring them. <c>dotnet publish -p:NativeLib=Shared</c> then gives
/// <c>lib{prefix}.so</c> (docs/export.md). Models without it export nothing.
/// </summary>
/// <param name="prefix">The C name prefix: a C identifier, e.g. "mynet".</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NativeExportsAttribute(string prefix) : Attribute
{
    public string Prefix { get; } = prefix;
}
