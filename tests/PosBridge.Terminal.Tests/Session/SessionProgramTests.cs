using PosBridge.Terminal.Session;

namespace PosBridge.Terminal.Tests.Session;

/// <summary><c>posbridge-till session</c> as a program driving the till through a pipe runs it.</summary>
public sealed class SessionProgramTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("posbridge-session-").FullName;

    [Fact]
    public async Task Run_PromptThroughAPipe_PromptsAfterEveryCommandAndGoesOnAfterARefusal()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader("status\nfrobnicate\nopen 500\n");

        var exit = await SessionProgram.RunAsync(
            ["--prompt", "--data", _directory, "--store", "CAI1-DOWNTOWN", "--till", "T1-FRONT"], input, output, error, stdinRedirected: true);

        var text = output.ToString();
        Assert.True(exit == 0, text + error);
        // One prompt before the first command and one after each: the driver reads each answer up to it.
        Assert.Equal(4, text.Split("till> ").Length - 1);
        Assert.Contains("till> error: 'frobnicate' is not a command.", text, StringComparison.Ordinal);
        Assert.Contains("Shift CAI1-DOWNTOWN-T1-FRONT-0001 opened", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PipeWithoutPrompt_StopsAtTheFirstRefusal()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader("frobnicate\nopen 500\n");

        var exit = await SessionProgram.RunAsync(["--data", _directory, "--store", "CAI1", "--till", "T1"], input, output, error, stdinRedirected: true);

        Assert.Equal(1, exit);
        Assert.DoesNotContain("till> ", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("opened", output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
    }
}
