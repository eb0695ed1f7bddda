using System.CommandLine;
using System.Text.Json;

namespace MpEventRelay.Cli;

/// <summary>Writes a result for people (lines) or for scripts (<c>--json</c>, one JSON document).</summary>
internal sealed class CliOutput(ParseResult parse, bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public TextWriter Out => parse.InvocationConfiguration.Output;

    public TextWriter Error => parse.InvocationConfiguration.Error;

    public void Result(object document, Action<TextWriter> human)
    {
        if (json)
        {
            Out.WriteLine(JsonSerializer.Serialize(document, Indented));
        }
        else
        {
            human(Out);
        }
    }
}
