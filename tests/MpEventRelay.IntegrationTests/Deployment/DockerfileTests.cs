using System.Diagnostics;
using System.Text.RegularExpressions;
using MpEventRelay.TestKit;
using Xunit.Abstractions;

namespace MpEventRelay.IntegrationTests.Deployment;

/// <summary>
/// The image as far as this machine can build it (it has no Docker engine): the build context that `.dockerignore`
/// leaves, and the Dockerfile's build stage run step by step on a copy of that context — its COPY lines in order, so
/// a restore that needs a project file the Dockerfile forgot to copy fails here as it would in Docker.
/// </summary>
public sealed partial class DockerfileTests(ITestOutputHelper output)
{
    private static readonly string Root = RepositoryFiles.Root();

    [Fact]
    public void The_build_context_holds_the_sources_and_no_build_output_tests_or_git()
    {
        var context = Context().ToList();

        var bytes = context.Sum(f => new FileInfo(Path.Combine(Root, f)).Length);
        output.WriteLine($"build context: {context.Count} files, {bytes / 1024} KB");
        Assert.Contains("Directory.Build.props", context);
        Assert.Contains("src/MpEventRelay/MpEventRelay.csproj", context);
        Assert.Contains("src/MpEventRelay/RelayApp.cs", context);
        Assert.DoesNotContain(context, f => f.Contains("/bin/", StringComparison.Ordinal) || f.Contains("/obj/", StringComparison.Ordinal));
        Assert.DoesNotContain(context, f => f.StartsWith("tests/", StringComparison.Ordinal) || f.StartsWith("samples/", StringComparison.Ordinal) || f.StartsWith(".git", StringComparison.Ordinal));
        Assert.True(bytes < 5 * 1024 * 1024, $"the context is {bytes} bytes");
    }

    [Fact]
    public async Task The_build_stage_run_as_the_Dockerfile_runs_it_publishes_the_relay_and_mprelay()
    {
        var work = Path.Combine(Path.GetTempPath(), "mprelay-tests", "docker-" + Guid.NewGuid().ToString("N"));
        var source = Directory.CreateDirectory(Path.Combine(work, "source")).FullName;
        var app = Path.Combine(work, "app");
        var context = Context().ToList();

        foreach (var line in BuildStage())
        {
            if (line.StartsWith("COPY ", StringComparison.Ordinal))
            {
                var parts = line["COPY ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                foreach (var from in parts[..^1])
                {
                    Copy(context, from, parts[^1], source);
                }
            }
            else if (line.StartsWith("RUN ", StringComparison.Ordinal))
            {
                var command = line["RUN ".Length..].Replace(" /app", " " + app, StringComparison.Ordinal);
                var (code, text) = await RunAsync(command, source);
                Assert.True(code == 0, $"RUN {command} failed:\n{text}");
            }
        }

        Assert.True(File.Exists(Path.Combine(app, "MpEventRelay.dll")), "no relay in /app");
        Assert.True(File.Exists(Path.Combine(app, "cli", "mprelay.dll")), "no mprelay in /app/cli");
        Assert.True(ReadyToRunImage.IsPrecompiled(Path.Combine(app, "MpEventRelay.dll")), "the relay in /app is not ReadyToRun: it would spend a share of its CPU in the JIT");
        Assert.True(ReadyToRunImage.IsPrecompiled(Path.Combine(app, "Yarp.ReverseProxy.dll")), "the relay's libraries in /app are not ReadyToRun");
        var (version, printed) = await RunAsync($"dotnet \"{Path.Combine(app, "cli", "mprelay.dll")}\" --help", work);
        Assert.Equal(0, version);
        Assert.Contains("check-config", printed, StringComparison.Ordinal);
    }

    // The files `docker build .` sends: every file, the .dockerignore rules applied in order (the last match wins;
    // a rule matching a directory applies to everything in it). .git is left out without looking: `*` excludes it.
    private static IEnumerable<string> Context()
    {
        var rules = File.ReadAllLines(Path.Combine(Root, ".dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => (Negate: l[0] == '!', Pattern: Glob(l.TrimStart('!').TrimEnd('/')))).ToList();
        return Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith(".git/", StringComparison.Ordinal))
            .Where(f => !Excluded(f, rules))
            .Order(StringComparer.Ordinal);
    }

    private static bool Excluded(string file, List<(bool Negate, Regex Pattern)> rules)
    {
        var segments = file.Split('/');
        var prefixes = Enumerable.Range(1, segments.Length).Select(n => string.Join('/', segments[..n])).ToList();
        var excluded = false;
        foreach (var (negate, pattern) in rules)
        {
            if (prefixes.Any(pattern.IsMatch))
            {
                excluded = !negate;
            }
        }

        return excluded;
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*\*", "\u0001", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace("\u0001", ".*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$");

    // The build stage's COPY and RUN lines (continuation lines joined).
    private static IEnumerable<string> BuildStage()
    {
        var lines = File.ReadAllText(Path.Combine(Root, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n').Select(l => l.Trim()).ToList();
        var start = lines.FindIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal) && l.EndsWith(" AS build", StringComparison.Ordinal));
        Assert.True(start >= 0, "no build stage in the Dockerfile");
        return lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal)).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) || l.StartsWith("RUN ", StringComparison.Ordinal));
    }

    // COPY <from> <to> relative to WORKDIR: a file into a directory, or a directory's files (from the context only).
    private static void Copy(List<string> context, string from, string to, string workdir)
    {
        var files = from.EndsWith('/') ? context.Where(f => f.StartsWith(from, StringComparison.Ordinal)).ToList() : context.Where(f => f == from).ToList();
        Assert.True(files.Count > 0, $"COPY {from}: not in the build context");
        foreach (var file in files)
        {
            var relative = from.EndsWith('/') ? file[from.Length..] : Path.GetFileName(file);
            var target = Path.GetFullPath(Path.Combine(workdir, to, relative));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(Root, file), target, overwrite: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string command, string directory)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
