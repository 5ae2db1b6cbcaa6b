using System.Text;
using AotNet.Data;
using AotNet.Data.Csv;

namespace AotNet.Tests.Data;

public sealed class CsvFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aotnet-csv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text, string name = "data.csv", bool bom = false)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }

    private static CsvOptions Classes(TargetKind kind, int classes, string label = "species") =>
        new() { Labels = [label], Targets = kind, Classes = classes };

    [Fact]
    public void String_classes_are_sorted_and_one_hot()
    {
        string path = Write("a,b,species\n1,2,virginica\n3,4.5,setosa\n-1e2,0,versicolor\n5,6,setosa\n");
        var table = CsvFile.Read(path, Classes(TargetKind.OneHot, 3));
        Assert.Equal(["setosa", "versicolor", "virginica"], table.ClassNames);
        Assert.Equal(["a", "b"], table.FeatureNames);
        Assert.Equal([1f, 2f, 3f, 4.5f, -100f, 0f, 5f, 6f], table.Features.Data);
        Assert.Equal(3, table.Targets!.Cols);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f, 0f, 1f, 0f, 1f, 0f, 0f], table.Targets.Data);
        var data = table.ToLabeledData();
        Assert.Equal(4, data.Count);
    }

    [Fact]
    public void Class_index_binary_and_values_targets()
    {
        string path = Write("x,y,label\n1,2,b\n3,4,a\n");
        Assert.Equal([1f, 0f], CsvFile.Read(path, Classes(TargetKind.ClassIndex, 2, "label")).Targets!.Data);
        Assert.Equal([1f, 0f], CsvFile.Read(path, Classes(TargetKind.Binary, 2, "label")).Targets!.Data);
        var values = CsvFile.Read(path, new CsvOptions { Labels = ["y"], Features = ["x"] });
        Assert.Equal([2f, 4f], values.Targets!.Data);
        Assert.Equal([1f, 3f], values.Features.Data);
        Assert.Null(values.ClassNames);
    }

    [Fact]
    public void Integer_labels_are_class_indices()
    {
        string path = Write("x,label\n1,2\n3,0\n5,1\n");
        var table = CsvFile.Read(path, Classes(TargetKind.ClassIndex, 4, "label"));
        Assert.Equal([2f, 0f, 1f], table.Targets!.Data);
        Assert.Equal(["0", "1", "2", "3"], table.ClassNames);
    }

    [Fact]
    public void Known_class_names_keep_their_indices()
    {
        string path = Write("x,label\n1,b\n3,b\n");
        var table = CsvFile.Read(path, new CsvOptions { Labels = ["label"], Targets = TargetKind.ClassIndex, Classes = 3, ClassNames = ["a", "b", "c"] });
        Assert.Equal([1f, 1f], table.Targets!.Data);
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(Write("x,label\n1,bb\n", "b.csv"),
            new CsvOptions { Labels = ["label"], Targets = TargetKind.ClassIndex, Classes = 3, ClassNames = ["a", "b", "c"] }));
        Assert.Contains("line 2, column 2 ('label')", e.Message);
        Assert.Contains("did you mean 'b'", e.Message);
    }

    [Fact]
    public void Bom_crlf_quotes_spaces_and_tsv_are_read()
    {
        string path = Write("\"a\",b ,label\r\n\"1.5\", 2 ,\"x, y\"\r\n3,4,z\r\n\r\n", bom: true);
        var table = CsvFile.Read(path, Classes(TargetKind.ClassIndex, 2, "label"));
        Assert.Equal(["a", "b"], table.FeatureNames);
        Assert.Equal([1.5f, 2f, 3f, 4f], table.Features.Data);
        Assert.Equal(["x, y", "z"], table.ClassNames);

        string tsv = Write("a\tlabel\n1\t2.5\n", "data.tsv");
        Assert.Equal([2.5f], CsvFile.Read(tsv, new CsvOptions { Labels = ["label"] }).Targets!.Data);
        string semicolon = Write("a;label\n1;2.5\n", "semi.csv");
        Assert.Equal([1f], CsvFile.Read(semicolon, new CsvOptions { Labels = ["label"], Separator = ';' }).Features.Data);
    }

    [Theory]
    [InlineData("a,b,label\n1,2,x\n3,,y\n", "line 3, column 2 ('b'): missing value")]
    [InlineData("a,b,label\n1,2,x\n3,abc,y\n", "line 3, column 2 ('b'): 'abc' is not a number")]
    [InlineData("a,b,label\n1,2,x\n3,NaN,y\n", "line 3, column 2 ('b'): 'NaN' is not a finite number")]
    [InlineData("a,b,label\n1,2,x\n3,4\n", "line 3: 2 fields, but the header has 3")]
    [InlineData("a,b,label\n1,2,x\n3,4,y,5\n", "line 3: 4 fields, but the header has 3")]
    [InlineData("a,b,labels\n1,2,x\n", "line 1: no label column 'label'; did you mean 'labels'?")]
    [InlineData("a,b,label\n1,2,x\n1,2,y\n1,2,z\n", "line 4, column 3 ('label'): 'z' is class number 3, but the model tells 2 classes apart")]
    [InlineData("a,b,label\n1,2,5\n", "line 2, column 3 ('label'): the class label 5 is outside the model's 2 classes")]
    [InlineData("a,b,label\n1,2,\n", "line 2, column 3 ('label'): missing label")]
    [InlineData("", "the file is empty")]
    [InlineData("a,b,label\n", "the file has a header but no data rows")]
    [InlineData("a;b;label\n1;2;x\n", "no label column 'label' (the header is one column: is the separator ',' right?)")]
    public void Bad_input_gets_one_error_naming_file_line_and_column(string text, string expected)
    {
        string path = Write(text);
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(path, Classes(TargetKind.ClassIndex, 2, "label")));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_duplicate_column_name_is_refused()
    {
        string path = Write("a,a,label\n1,2,x\n");
        var e = Assert.Throws<DataFormatException>(() => CsvFile.Read(path, Classes(TargetKind.ClassIndex, 2, "label")));
        Assert.StartsWith(path + ": line 1: ", e.Message);
        Assert.Contains("'a'", e.Message);
    }

    [Fact]
    public void A_missing_file_and_a_folder_are_refused()
    {
        Assert.Throws<FileNotFoundException>(() => CsvFile.Read(Path.Combine(_dir, "none.csv"), new CsvOptions()));
        Assert.ThrowsAny<IOException>(() => CsvFile.Read(_dir, new CsvOptions()));
    }

    [Fact]
    public void A_million_rows_stream_into_the_matrix()
    {
        string path = Path.Combine(_dir, "big.csv");
        using (var w = new StreamWriter(path))
        {
            w.Write("f0,f1,f2,label\n");
            for (int i = 0; i < 1_000_000; i++)
            {
                w.Write(i);
                w.Write(",0.5,-2,");
                w.Write((i % 3) switch { 0 => "cat", 1 => "dog", _ => "emu" });
                w.Write('\n');
            }
        }

        var table = CsvFile.Read(path, Classes(TargetKind.ClassIndex, 3, "label"));
        Assert.Equal(1_000_000, table.Rows);
        Assert.Equal(999_999f, table.Features.Row(999_999)[0]);
        Assert.Equal(-2f, table.Features.Row(123_456)[2]);
        Assert.Equal(2f, table.Targets!.Data[999_998]);
        Assert.Equal(["cat", "dog", "emu"], table.ClassNames);
    }

    [Fact]
    public void Split_is_seeded_shuffled_and_complete()
    {
        var x = new DenseMatrix(10, 1);
        var y = new DenseMatrix(10, 1);
        for (int i = 0; i < 10; i++)
        {
            x.Data[i] = i;
            y.Data[i] = 100 + i;
        }

        var data = new LabeledData(x, y, Enumerable.Range(0, 10).Select(i => (float)i).ToArray());
        var (train, test) = data.Split(0.3, seed: 7);
        Assert.Equal(7, train.Count);
        Assert.Equal(3, test.Count);
        float[] all = [.. train.Inputs.Dense!.Data, .. test.Inputs.Dense!.Data];
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), all.Order());
        Assert.NotEqual(Enumerable.Range(0, 7).Select(i => (float)i), train.Inputs.Dense.Data);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(train.Inputs.Dense.Data[i] + 100, train.Targets.Data[i]);
            Assert.Equal(train.Inputs.Dense.Data[i], train.SampleWeights![i]);
        }

        var (again, _) = data.Split(0.3, seed: 7);
        Assert.Equal(train.Inputs.Dense.Data, again.Inputs.Dense!.Data);
        var (other, _) = data.Split(0.3, seed: 8);
        Assert.NotEqual(train.Inputs.Dense.Data, other.Inputs.Dense!.Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(1.0, 1));
        Assert.Throws<ArgumentException>(() => data.Split(0.01, 1));
    }
}
