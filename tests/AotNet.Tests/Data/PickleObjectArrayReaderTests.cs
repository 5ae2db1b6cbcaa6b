using AotNet.Data;
using AotNet.Data.Numpy;

namespace AotNet.Tests.Data;

public class PickleObjectArrayReaderTests
{
    [Fact]
    public void Decodes_long_lists_and_many_lists_like_numpy_writes_them()
    {
        // 1,203 lists (two outer batches, one of them a single APPEND), one list of 2,500 ints (three batches),
        // memo indices beyond 255 (LONG_BINPUT)
        var lists = Enumerable.Range(0, 1203).Select(i => Enumerable.Range(i, i % 7).ToArray()).ToArray();
        lists[17] = Enumerable.Range(0, 2500).Select(i => i * 97).ToArray();
        lists[1202] = [int.MaxValue, int.MinValue, 65535, 65536, 255, 256];
        IntSequences seqs = PickleObjectArrayReader.Read(PickleBuilder.NumpyObjectArray(lists), lists.Length, "p");
        Assert.Equal(lists.Length, seqs.Count);
        for (int i = 0; i < lists.Length; i++)
        {
            Assert.Equal(lists[i], seqs[i].ToArray());
        }
    }

    [Fact]
    public void Interleaved_appends_aliases_and_memo_puts_between_ints_decode_like_python()
    {
        byte[] p = PickleBuilder.NumpyObjectArray(3, b =>
        {
            b.Op('(');
            b.Op(']').Put().Int(1).Op('a'); // A = [1]
            int a = b.LastMemo;
            b.Op(']').Put().Op('(').Int(7).Op('q').Byte(200).Int(8).Op('e'); // B = [7, 8], a memo put between the ints
            b.Op('h').Byte(a).Op('(').Int(2).Int(3).Op('e'); // A += [2, 3] after B wrote: A moves to its own storage
            b.Op('e'); // outer = [A, B, A]
        });
        IntSequences seqs = PickleObjectArrayReader.Read(p, 3, "p");
        Assert.Equal([1, 2, 3], seqs[0].ToArray());
        Assert.Equal([7, 8], seqs[1].ToArray());
        Assert.Equal([1, 2, 3], seqs[2].ToArray());
    }

    [Fact]
    public void Accepts_the_numpy2_module_name()
    {
        byte[] p = PickleBuilder.NumpyObjectArray([[1]], reconstructModule: "numpy._core.multiarray");
        Assert.Equal([1], PickleObjectArrayReader.Read(p, 1, "p")[0].ToArray());
    }

    [Theory]
    [InlineData("posix", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("os", "system")]
    [InlineData("numpy", "load")]
    public void Refuses_any_other_global_without_executing_anything(string module, string name)
    {
        byte[] hostile = new PickleBuilder().Op(0x80).Byte(2).Global(module, name).ShortString("echo pwned").Op(0x85).Op('R').Op('.').ToArray();
        var e = Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(hostile, 1, "evil.npy"));
        Assert.Contains($"GLOBAL '{module} {name}' is not allowed", e.Message);
        Assert.Contains("evil.npy", e.Message);
    }

    [Theory]
    [InlineData('i')] // INST
    [InlineData('o')] // OBJ
    [InlineData(0x81)] // NEWOBJ
    [InlineData('}')] // EMPTY_DICT
    [InlineData('X')] // BINUNICODE
    public void Refuses_opcodes_outside_the_subset(int opcode)
    {
        byte[] p = new PickleBuilder().Op(0x80).Byte(2).Op(opcode).Op('.').ToArray();
        var e = Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(p, 1, "p"));
        Assert.Contains($"opcode 0x{opcode:x2}", e.Message);
        Assert.Contains("not in the accepted subset", e.Message);
    }

    [Fact]
    public void Refuses_other_protocols()
    {
        var e = Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(new byte[] { 0x80, 4, (byte)'N', (byte)'.' }, 1, "p"));
        Assert.Contains("protocol 4", e.Message);
    }

    [Fact]
    public void Item_count_must_match_the_header_and_the_pickled_shape()
    {
        byte[] p = PickleBuilder.NumpyObjectArray([[1], [2]]);
        Assert.Contains("header says 3", Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(p, 3, "p")).Message);
        byte[] lying = PickleBuilder.NumpyObjectArray([[1], [2]], pickledCount: 5);
        Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(lying, 2, "p"));
    }

    [Fact]
    public void Refuses_fortran_order_trailing_bytes_and_truncation()
    {
        Assert.Contains("Fortran", Assert.Throws<DataFormatException>(
            () => PickleObjectArrayReader.Read(PickleBuilder.NumpyObjectArray([[1]], fortran: true), 1, "p")).Message);

        byte[] p = PickleBuilder.NumpyObjectArray([[1, 2, 3]]);
        Assert.Contains("after STOP", Assert.Throws<DataFormatException>(
            () => PickleObjectArrayReader.Read([.. p, 0], 1, "p")).Message);
        for (int cut = 1; cut < p.Length; cut += 7)
        {
            Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(p.AsSpan(0, cut), 1, "p"));
        }
    }

    [Fact]
    public void Bounds_nesting_depth()
    {
        var b = new PickleBuilder().Op(0x80).Byte(2);
        for (int i = 0; i < 100; i++)
        {
            b.Op('(');
        }

        Assert.Contains("nested MARKs", Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(b.ToArray(), 1, "p")).Message);

        var t = new PickleBuilder().Op(0x80).Byte(2).Op('N');
        for (int i = 0; i < 100; i++)
        {
            t.Op(0x85); // ((((None,),),),)...
        }

        Assert.Contains("nested deeper", Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(t.ToArray(), 1, "p")).Message);
    }

    [Fact]
    public void Refuses_a_list_that_mixes_ints_and_lists_and_a_self_containing_list()
    {
        byte[] mixed = new PickleBuilder().Op(0x80).Byte(2).Op(']').Op('(').Int(1).Op(']').Op('e').Op('.').ToArray();
        Assert.Contains("mixes", Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(mixed, 1, "p")).Message);

        // outer = []; outer.append(outer) via BINGET: not an array of int lists
        byte[] cyclic = new PickleBuilder().Op(0x80).Byte(2).Op(']').Put().Op('h').Byte(1).Op('a').Op('.').ToArray();
        Assert.Throws<DataFormatException>(() => PickleObjectArrayReader.Read(cyclic, 1, "p"));
    }

    [Fact]
    public void Stack_underflow_and_unset_memo_are_refused()
    {
        Assert.Contains("underflow", Assert.Throws<DataFormatException>(
            () => PickleObjectArrayReader.Read(new byte[] { 0x80, 2, (byte)'a', (byte)'.' }, 1, "p")).Message);
        Assert.Contains("unset index", Assert.Throws<DataFormatException>(
            () => PickleObjectArrayReader.Read(new byte[] { 0x80, 2, (byte)'h', 9, (byte)'.' }, 1, "p")).Message);
    }
}
