namespace MpEventRelay.LoadTest;

/// <summary>
/// One relay the run measures: this build with the trail on or off, or another build's <c>MpEventRelay.dll</c> (the
/// build before a change), so a change's cost is measured side by side on the same machine, minute and workload.
/// </summary>
/// <param name="Label">The name its phases are printed under.</param>
/// <param name="Dll">The relay to start.</param>
/// <param name="Trail">The trail on or off; null for another build, whose configuration keeps its own default (it may not know the key).</param>
internal sealed record RelayUnderTest(string Label, string Dll, bool? Trail)
{
    /// <summary>
    /// <c>--relay LABEL=SPEC</c>, SPEC being <c>trail-on</c>, <c>trail-off</c> (this build) or the path of another build's
    /// <c>MpEventRelay.dll</c>. Without any: this build, its trail as <paramref name="trail"/> says.
    /// </summary>
    public static IReadOnlyList<RelayUnderTest> FromArguments(string[] args, string thisBuild, bool trail)
    {
        var relays = new List<RelayUnderTest>();
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] != "--relay")
            {
                continue;
            }

            var (label, spec) = args[i + 1].Split('=', 2) is [var l, var s] ? (l, s) : throw new ArgumentException($"--relay {args[i + 1]}: expected LABEL=trail-on|trail-off|path/to/MpEventRelay.dll");
            relays.Add(spec switch
            {
                "trail-on" => new RelayUnderTest(label, thisBuild, true),
                "trail-off" => new RelayUnderTest(label, thisBuild, false),
                _ when File.Exists(spec) => new RelayUnderTest(label, Path.GetFullPath(spec), null),
                _ => throw new ArgumentException($"--relay {label}={spec}: no such file"),
            });
        }

        return relays.Count > 0 ? relays : [new RelayUnderTest("relay", thisBuild, trail)];
    }
}
