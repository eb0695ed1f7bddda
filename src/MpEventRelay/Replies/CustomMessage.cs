using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;

namespace MpEventRelay.Replies;

/// <summary>
/// A passive reply as a customer-service message (<c>message/custom/send</c>): text, image, voice, video (without a
/// thumbnail, which passive replies do not have), music, and news (the API takes one article: the first). Anything else
/// — <c>transfer_customer_service</c> — has no customer-service form.
/// </summary>
internal static class CustomMessage
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The API's JSON body, or null when the reply's kind cannot be sent this way.</summary>
    /// <param name="replyXml">A reply the relay already checked (<see cref="ReplyTranslator"/>).</param>
    /// <param name="msgType">The reply's MsgType, for the log line when it cannot be mapped.</param>
    public static byte[]? From(byte[] replyXml, out string msgType)
    {
        var root = Parse(replyXml);
        msgType = Field(root, "MsgType");
        var body = new JsonObject { ["touser"] = Field(root, "ToUserName"), ["msgtype"] = msgType };
        switch (msgType)
        {
            case "text":
                body["text"] = new JsonObject { ["content"] = Field(root, "Content") };
                break;
            case "image":
            case "voice":
                body[msgType] = new JsonObject { ["media_id"] = Field(root.Element(Capitalised(msgType)), "MediaId") };
                break;
            case "video":
                var video = root.Element("Video");
                body["video"] = new JsonObject { ["media_id"] = Field(video, "MediaId"), ["title"] = Field(video, "Title"), ["description"] = Field(video, "Description") };
                break;
            case "music":
                var music = root.Element("Music");
                body["music"] = new JsonObject
                {
                    ["title"] = Field(music, "Title"),
                    ["description"] = Field(music, "Description"),
                    ["musicurl"] = Field(music, "MusicUrl"),
                    ["hqmusicurl"] = Field(music, "HQMusicUrl"),
                    ["thumb_media_id"] = Field(music, "ThumbMediaId"),
                };
                break;
            case "news":
                var first = root.Element("Articles")?.Elements("item").FirstOrDefault();
                if (first is null)
                {
                    return null;
                }

                body["news"] = new JsonObject
                {
                    ["articles"] = new JsonArray(new JsonObject
                    {
                        ["title"] = Field(first, "Title"),
                        ["description"] = Field(first, "Description"),
                        ["url"] = Field(first, "Url"),
                        ["picurl"] = Field(first, "PicUrl"),
                    }),
                };
                break;
            default:
                return null;
        }

        return JsonSerializer.SerializeToUtf8Bytes(body, Options);
    }

    private static string Capitalised(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    private static string Field(XElement? parent, string name) => parent?.Element(name)?.Value ?? string.Empty;

    private static XElement Parse(byte[] xml)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        return XElement.Load(reader);
    }
}
