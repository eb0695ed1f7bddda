using System.Text;

namespace MpEventRelay.UnitTests.Architecture;

/// <summary>
/// The host's folders are one concern each and depend one way: no two namespaces use each other, directly or through
/// others. A cycle that comes back fails here with the types that make it.
/// </summary>
public sealed class LayoutTests
{
    [Fact]
    public void No_two_namespaces_of_the_host_depend_on_each_other()
    {
        var graph = NamespaceGraph.Of(typeof(RelayApp).Assembly.Location, "MpEventRelay");

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, Describe(graph, cycles));
    }

    private static string Describe(NamespaceGraph graph, IReadOnlyList<IReadOnlyList<string>> cycles)
    {
        var text = new StringBuilder("Namespaces that depend on each other:\n");
        foreach (var cycle in cycles)
        {
            text.AppendLine("  " + string.Join(", ", cycle));
            foreach (var from in cycle)
            {
                foreach (var (to, examples) in graph.Edges[from].Where(e => cycle.Contains(e.Key)))
                {
                    text.AppendLine($"    {from} → {to}: {string.Join("; ", examples.Take(4))}");
                }
            }
        }

        return text.ToString();
    }
}
