using System.Collections;
using System.Reflection;

namespace MpEventRelay.Configuration.Reading;

/// <summary>
/// Finds keys a section's options type does not have, at any depth (an account's targets and routes included): each
/// is one error naming it and the nearest valid name ("did you mean Path?"), and the key it probably meant gets no
/// error of its own, so one typo is one message, not the binder's text and the checks that fail because of it.
/// </summary>
internal static class UnknownKeys
{
    /// <summary>Reports every unknown key under <paramref name="section"/> for <paramref name="type"/>; true when there was one.</summary>
    public static bool Report(IConfigurationSection section, Type type, ConfigurationErrors errors)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return false;
        }

        if (ValueTypeOf(type) is { } value)
        {
            var any = false;
            foreach (var child in section.GetChildren())
            {
                any |= Report(child, value, errors);
            }

            return any;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true })
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var unknown = false;
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                unknown |= Report(child, property.PropertyType, errors);
                continue;
            }

            unknown = true;
            var nearest = Nearest(child.Key, properties.Keys);
            if (nearest is null)
            {
                errors.Add(child.Path, $"is not a setting of {Describe(type)}.", $"use one of {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}.");
                continue;
            }

            errors.Add(child.Path, $"is not a setting of {Describe(type)}: did you mean {nearest}?", $"rename it {nearest}.");
            errors.Suppress($"{section.Path}:{nearest}");
        }

        return unknown;
    }

    // A dictionary's or a list's element type, for sections of several (accounts' targets, routes, mirrors).
    private static Type? ValueTypeOf(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        foreach (var face in type.GetInterfaces().Append(type).Where(t => t.IsGenericType))
        {
            var definition = face.GetGenericTypeDefinition();
            if (definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            {
                return face.GetGenericArguments()[1];
            }
        }

        return typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType ? type.GetGenericArguments()[0] : null;
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static string Describe(Type type) => type.Name.EndsWith("Options", StringComparison.Ordinal) ? $"{type.Name[..^"Options".Length].ToLowerInvariant()} settings" : type.Name;

    // The closest name within two edits (or a third of its length), if there is one.
    public static string? Nearest(string key, IEnumerable<string> names) =>
        names.Select(n => (Name: n, Distance: Distance(key.ToLowerInvariant(), n.ToLowerInvariant())))
            .Where(n => n.Distance <= Math.Max(2, key.Length / 3)).OrderBy(n => n.Distance).Select(n => n.Name).FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
