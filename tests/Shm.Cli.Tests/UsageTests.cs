using System.Diagnostics;

namespace Shm.Cli.Tests;

public sealed class UsageTests
{
    [Theory]
    [InlineData("")]
    [InlineData("frobnicate")]
    [InlineData("ls --bogus")]
    [InlineData("stat")]
    [InlineData("stat a b")]
    [InlineData("watch x --count 0")]
    [InlineData("watch x --interval soon")]
    [InlineData("watch x --interval 1ms")]
    [InlineData("ls --dir")]
    public void Bad_usage_is_exit_code_2_with_one_line(string commandLine)
    {
        Cli.Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ShouldFailWith(ExitCodes.Usage);
    }

    [Fact]
    public void Help_lists_every_command()
    {
        string text = Cli.Run("--help").ShouldSucceed().Out;
        foreach (string command in new[] { "ls", "stat", "watch", "nodes", "rm", "gc", "--json" })
            Assert.Contains(command, text);
    }

    [Fact]
    public async Task The_real_executable_reports_bad_input_without_a_stack_trace()
    {
        string plain = Path.Combine(Path.GetTempPath(), "shmcli-plain-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(plain, new string('z', 300));
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Shm.Cli.dll"));
            foreach (string arg in new[] { "stat", plain, "--json" })
                start.ArgumentList.Add(arg);
            using Process shm = Process.Start(start)!;
            Task<string> stdout = shm.StandardOutput.ReadToEndAsync();
            Task<string> stderr = shm.StandardError.ReadToEndAsync();
            await shm.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(ExitCodes.InvalidSegment, shm.ExitCode);
            Assert.Equal(ExitCodes.InvalidSegment, System.Text.Json.JsonDocument.Parse(await stdout).RootElement.GetProperty("exit_code").GetInt32());
            string errors = await stderr;
            Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.DoesNotContain("   at ", errors);
        }
        finally
        {
            File.Delete(plain);
        }
    }
}
