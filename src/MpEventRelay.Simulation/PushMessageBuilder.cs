using System.Globalization;
using System.Text;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Simulation;

/// <summary>
/// Builds the message XML of every push kind the way WeChat writes it (strings in CDATA, numbers bare), for the
/// CLI's <c>simulate</c>, the samples and the tests.
/// </summary>
public sealed class PushMessageBuilder(string toUserName, string fromUserName, long createTime)
{
    /// <summary>A follow; with a scene, a follow through a parametric QR code (<c>EventKey=qrscene_&lt;scene&gt;</c>).</summary>
    public byte[] Subscribe(string? scene = null) => scene is null
        ? Event("subscribe")
        : Event("subscribe", ("EventKey", PushMessage.QrScenePrefix + scene), ("Ticket", "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw=="));

    /// <summary>A scan of a parametric QR code by a user who already follows (<c>EventKey=&lt;scene&gt;</c>).</summary>
    public byte[] Scan(string scene) =>
        Event("SCAN", ("EventKey", scene), ("Ticket", "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw=="));

    /// <summary>An unfollow.</summary>
    public byte[] Unsubscribe() => Event("unsubscribe");

    /// <summary>A menu click.</summary>
    public byte[] Click(string key) => Event("CLICK", ("EventKey", key));

    /// <summary>A menu link.</summary>
    public byte[] View(string url) => Event("VIEW", ("EventKey", url), ("MenuId", "1"));

    /// <summary>A location report.</summary>
    public byte[] Location(double latitude, double longitude, double precision) =>
        Event("LOCATION", ("Latitude", Number(latitude)), ("Longitude", Number(longitude)), ("Precision", Number(precision)));

    /// <summary>A template-send result (note WeChat's <c>MsgID</c> spelling).</summary>
    public byte[] TemplateSendJobFinish(long msgId, string status = "success") =>
        Event("TEMPLATESENDJOBFINISH", ("MsgID", Number(msgId)), ("Status", status));

    /// <summary>A text message.</summary>
    public byte[] Text(string content, long msgId) =>
        Build("text", ("Content", content), ("MsgId", Number(msgId)));

    /// <summary>An event with any extra fields.</summary>
    public byte[] Event(string name, params (string Name, string Value)[] fields) =>
        Build("event", [("Event", name), .. fields]);

    /// <summary>Any message: the header, then <paramref name="fields"/> in order.</summary>
    public byte[] Build(string msgType, params (string Name, string Value)[] fields)
    {
        var xml = new StringBuilder(512).Append("<xml>");
        XmlText.AppendCdataElement(xml, "ToUserName", toUserName);
        XmlText.AppendCdataElement(xml, "FromUserName", fromUserName);
        XmlText.AppendElement(xml, "CreateTime", Number(createTime));
        XmlText.AppendCdataElement(xml, "MsgType", msgType);
        foreach (var (name, value) in fields)
        {
            if (name is "MsgId" or "MsgID" or "Latitude" or "Longitude" or "Precision")
            {
                XmlText.AppendElement(xml, name, value);
            }
            else
            {
                XmlText.AppendCdataElement(xml, name, value);
            }
        }

        return Encoding.UTF8.GetBytes(xml.Append("</xml>").ToString());
    }

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
