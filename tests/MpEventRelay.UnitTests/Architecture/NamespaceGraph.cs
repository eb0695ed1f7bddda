using Mono.Cecil;

namespace MpEventRelay.UnitTests.Architecture;

/// <summary>
/// Which of an assembly's namespaces use which, read from its IL with Mono.Cecil: every type named in a signature, a
/// field, a base type, an attribute or a method body (compiler-generated types count for the type they serve).
/// </summary>
internal sealed class NamespaceGraph
{
    private readonly Dictionary<string, Dictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph()
    {
    }

    /// <summary>Namespace → namespaces it uses → "Type → Type" examples.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, SortedSet<string>>> Edges => _edges;

    public static NamespaceGraph Of(string assemblyPath, string rootNamespace)
    {
        var graph = new NamespaceGraph();
        using var assembly = AssemblyDefinition.ReadAssembly(assemblyPath);
        foreach (var type in assembly.MainModule.GetTypes())
        {
            var from = NamespaceOf(type);
            if (!from.StartsWith(rootNamespace, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var used in UsedTypes(type))
            {
                var to = NamespaceOf(used);
                if (to != from && to.StartsWith(rootNamespace + ".", StringComparison.Ordinal) && used.Scope == assembly.MainModule)
                {
                    graph.Add(from, to, $"{Outer(type).Name} → {Outer(used).Name}");
                }
            }
        }

        return graph;
    }

    /// <summary>The groups of namespaces that use each other, directly or through others (Tarjan's strongly connected components).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<IReadOnlyList<string>>();
        foreach (var node in _edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return cycles;

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in _edges.TryGetValue(node, out var to) ? to.Keys.ToList() : [])
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != node);
                if (component.Count > 1)
                {
                    cycles.Add(component.Order(StringComparer.Ordinal).ToList());
                }
            }
        }
    }

    private void Add(string from, string to, string example)
    {
        if (!_edges.TryGetValue(from, out var targets))
        {
            _edges[from] = targets = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        }

        if (!targets.TryGetValue(to, out var examples))
        {
            targets[to] = examples = new SortedSet<string>(StringComparer.Ordinal);
        }

        examples.Add(example);
    }

    private static TypeReference Outer(TypeReference type)
    {
        while (type.DeclaringType is { } declaring)
        {
            type = declaring;
        }

        return type;
    }

    private static string NamespaceOf(TypeReference type) => Outer(type).Namespace;

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is { } baseType)
        {
            foreach (var t in Expand(baseType))
            {
                yield return t;
            }
        }

        foreach (var t in type.Interfaces.SelectMany(i => Expand(i.InterfaceType))
            .Concat(type.CustomAttributes.SelectMany(a => Expand(a.AttributeType)))
            .Concat(type.Fields.SelectMany(f => Expand(f.FieldType)))
            .Concat(type.Properties.SelectMany(p => Expand(p.PropertyType))))
        {
            yield return t;
        }

        foreach (var method in type.Methods)
        {
            foreach (var t in Expand(method.ReturnType).Concat(method.Parameters.SelectMany(p => Expand(p.ParameterType))))
            {
                yield return t;
            }

            if (!method.HasBody)
            {
                continue;
            }

            foreach (var t in method.Body.Variables.SelectMany(v => Expand(v.VariableType)))
            {
                yield return t;
            }

            foreach (var instruction in method.Body.Instructions)
            {
                var used = instruction.Operand switch
                {
                    TypeReference t => Expand(t),
                    MethodReference m => Expand(m.DeclaringType).Concat(Expand(m.ReturnType)).Concat(m.Parameters.SelectMany(p => Expand(p.ParameterType))),
                    FieldReference f => Expand(f.DeclaringType).Concat(Expand(f.FieldType)),
                    _ => [],
                };
                foreach (var t in used)
                {
                    yield return t;
                }
            }
        }
    }

    // A generic instance names its arguments too; arrays, by-refs and pointers their element type.
    private static IEnumerable<TypeReference> Expand(TypeReference type)
    {
        switch (type)
        {
            case GenericInstanceType generic:
                yield return generic.ElementType;
                foreach (var t in generic.GenericArguments.SelectMany(Expand))
                {
                    yield return t;
                }

                break;
            case TypeSpecification specification:
                foreach (var t in Expand(specification.ElementType))
                {
                    yield return t;
                }

                break;
            case GenericParameter:
                break;
            default:
                yield return type;
                break;
        }
    }
}
