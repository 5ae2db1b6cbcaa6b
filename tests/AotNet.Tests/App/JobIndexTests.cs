using AotNet.Hosting;

namespace AotNet.Tests.App;

/// <summary><c>--fold I|env</c>: the job index from Kubernetes, Slurm or AWS Batch, with one-line errors.</summary>
public class JobIndexTests
{
    private static (int? Index, string? Problem) Parse(string value, int count, params (string Name, string Value)[] variables)
    {
        var environment = variables.ToDictionary(v => v.Name, v => v.Value);
        return JobIndex.Parse(value, count, "--fold", "folds", name => environment.GetValueOrDefault(name));
    }

    [Theory]
    [InlineData("JOB_COMPLETION_INDEX")]
    [InlineData("SLURM_ARRAY_TASK_ID")]
    [InlineData("AWS_BATCH_JOB_ARRAY_INDEX")]
    public void EnvTakesTheIndexFromEachEngine(string variable)
    {
        Assert.Equal((3, null), Parse("env", 5, (variable, "3")));
        Assert.Equal((0, null), Parse("env", 5, (variable, "0")));
    }

    [Fact]
    public void AGivenIndexIsUsedAsItIs()
    {
        Assert.Equal((4, null), Parse("4", 5, ("JOB_COMPLETION_INDEX", "1")));
        Assert.Equal("--fold must be a whole number from 0 to 4 for 5 folds, or env (got '5')", Parse("5", 5).Problem);
        Assert.Equal("--fold must be a whole number from 0 to 4 for 5 folds, or env (got '+1')", Parse("+1", 5).Problem);
    }

    [Fact]
    public void EnvWithoutAnIndexSaysWhichVariablesWereRead()
    {
        Assert.Equal(
            "--fold env: none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX is set; run it as an indexed job (docs/scale-out.md) or give the index, e.g. --fold 0",
            Parse("env", 5).Problem);
        Assert.Null(Parse("env", 5, ("SLURM_ARRAY_TASK_ID", "")).Index); // an empty variable is unset
    }

    [Fact]
    public void EnvOutOfRangeOrNotANumberIsRefused()
    {
        Assert.Equal("--fold env: SLURM_ARRAY_TASK_ID=5 is out of range: the index must be 0 to 4 for 5 folds (a Slurm array counts from 0: --array=0-4)", Parse("env", 5, ("SLURM_ARRAY_TASK_ID", "5")).Problem);
        Assert.Equal("--fold env: JOB_COMPLETION_INDEX='a' is not a whole number", Parse("env", 5, ("JOB_COMPLETION_INDEX", "a")).Problem);
        Assert.Equal("--fold env: JOB_COMPLETION_INDEX='-1' is not a whole number", Parse("env", 5, ("JOB_COMPLETION_INDEX", "-1")).Problem);
    }

    [Fact]
    public void EnginesThatDisagreeAreRefusedAndThoseThatAgreeAccepted()
    {
        Assert.Equal(
            "--fold env: the job indices disagree (JOB_COMPLETION_INDEX=1, AWS_BATCH_JOB_ARRAY_INDEX=2); unset the one that is not this job's",
            Parse("env", 5, ("JOB_COMPLETION_INDEX", "1"), ("AWS_BATCH_JOB_ARRAY_INDEX", "2")).Problem);
        Assert.Equal((2, null), Parse("env", 5, ("SLURM_ARRAY_TASK_ID", "2"), ("AWS_BATCH_JOB_ARRAY_INDEX", "2")));
    }
}
