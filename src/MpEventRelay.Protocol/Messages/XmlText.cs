using System.Text;

namespace MpEventRelay.Protocol.Messages;

/// <summary>Writes the small envelopes WeChat uses, with CDATA that survives a <c>]]&gt;</c> inside the value.</summary>
internal static class XmlText
{
    public static void AppendCdataElement(StringBuilder builder, string name, string value)
    {
        builder.Append('<').Append(name).Append("><![CDATA[")
            .Append(value.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal))
            .Append("]]></").Append(name).Append('>');
    }

    public static void AppendElement(StringBuilder builder, string name, string value)
    {
        builder.Append('<').Append(name).Append('>').Append(value).Append("</").Append(name).Append('>');
    }
}
