using System.Text;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>Counts what reached a target, per distinct message: the numbers a fault test reports.</summary>
internal sealed record DeliveryCount(int Sent, int Delivered, int Duplicated, int Lost)
{
    public static DeliveryCount Of(IReadOnlyCollection<byte[]> sent, IEnumerable<ReceivedPush> accepted, WeChatKeys keys)
    {
        var byMessage = accepted.GroupBy(p => Encoding.UTF8.GetString(p.Open(keys).Message.Xml.Span)).ToDictionary(g => g.Key, g => g.Count());
        var delivered = sent.Count(m => byMessage.ContainsKey(Encoding.UTF8.GetString(m)));
        var duplicated = byMessage.Values.Sum(c => c - 1);
        return new DeliveryCount(sent.Count, delivered, duplicated, sent.Count - delivered);
    }

    public override string ToString() => $"sent {Sent}, delivered {Delivered}, duplicated {Duplicated}, lost {Lost}";
}
