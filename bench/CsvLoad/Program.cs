using System.Diagnostics;
using System.Globalization;
using AotNet.Data.Csv;

// CsvLoad FILE LABEL: reads FILE with every other column as a feature and LABEL as string classes; prints rows, columns, seconds
var clock = Stopwatch.StartNew();
var table = CsvFile.Read(args[0], new CsvOptions { Labels = [args[1]], Targets = TargetKind.ClassIndex });
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"rows={table.Rows} features={table.Features.Cols} classes={table.ClassNames!.Count} seconds={clock.Elapsed.TotalSeconds:0.000}"));
