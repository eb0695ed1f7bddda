using System.Text;
using System.Text.Json;
using MpEventRelay.Replies;

namespace MpEventRelay.UnitTests.Replies;

public sealed class CustomMessageTests
{
    private const string Head = "<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_x]]></FromUserName><CreateTime>1714112446</CreateTime>";

    [Fact]
    public void Text_keeps_Chinese_and_emoji()
    {
        var json = Map("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 👋 <b>&]]></Content>", out var type);

        Assert.Equal("text", type);
        Assert.Equal("oUser", json.GetProperty("touser").GetString());
        Assert.Equal("text", json.GetProperty("msgtype").GetString());
        Assert.Equal("你好 👋 <b>&", json.GetProperty("text").GetProperty("content").GetString());
    }

    [Theory]
    [InlineData("image", "Image")]
    [InlineData("voice", "Voice")]
    public void Image_and_voice_carry_their_media_id(string type, string element)
    {
        var json = Map($"<MsgType><![CDATA[{type}]]></MsgType><{element}><MediaId><![CDATA[m-123]]></MediaId></{element}>", out _);

        Assert.Equal(type, json.GetProperty("msgtype").GetString());
        Assert.Equal("m-123", json.GetProperty(type).GetProperty("media_id").GetString());
    }

    [Fact]
    public void Video_has_media_title_and_description_and_no_thumb()
    {
        var json = Map("<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[v-1]]></MediaId><Title><![CDATA[标题]]></Title><Description><![CDATA[说明]]></Description></Video>", out _);

        var video = json.GetProperty("video");
        Assert.Equal("v-1", video.GetProperty("media_id").GetString());
        Assert.Equal("标题", video.GetProperty("title").GetString());
        Assert.Equal("说明", video.GetProperty("description").GetString());
        Assert.False(video.TryGetProperty("thumb_media_id", out _));
    }

    [Fact]
    public void Music_maps_every_field()
    {
        var json = Map("<MsgType><![CDATA[music]]></MsgType><Music><Title><![CDATA[t]]></Title><Description><![CDATA[d]]></Description><MusicUrl><![CDATA[http://m/1.mp3]]></MusicUrl><HQMusicUrl><![CDATA[http://m/1hq.mp3]]></HQMusicUrl><ThumbMediaId><![CDATA[th-1]]></ThumbMediaId></Music>", out _);

        var music = json.GetProperty("music");
        Assert.Equal("t", music.GetProperty("title").GetString());
        Assert.Equal("d", music.GetProperty("description").GetString());
        Assert.Equal("http://m/1.mp3", music.GetProperty("musicurl").GetString());
        Assert.Equal("http://m/1hq.mp3", music.GetProperty("hqmusicurl").GetString());
        Assert.Equal("th-1", music.GetProperty("thumb_media_id").GetString());
    }

    [Fact]
    public void News_with_three_articles_sends_the_first()
    {
        var items = string.Concat(Enumerable.Range(1, 3).Select(i => $"<item><Title><![CDATA[T{i}]]></Title><Description><![CDATA[D{i}]]></Description><PicUrl><![CDATA[http://p/{i}]]></PicUrl><Url><![CDATA[http://u/{i}]]></Url></item>"));
        var json = Map($"<MsgType><![CDATA[news]]></MsgType><ArticleCount>3</ArticleCount><Articles>{items}</Articles>", out _);

        var article = Assert.Single(json.GetProperty("news").GetProperty("articles").EnumerateArray());
        Assert.Equal("T1", article.GetProperty("title").GetString());
        Assert.Equal("D1", article.GetProperty("description").GetString());
        Assert.Equal("http://u/1", article.GetProperty("url").GetString());
        Assert.Equal("http://p/1", article.GetProperty("picurl").GetString());
    }

    [Theory]
    [InlineData("<MsgType><![CDATA[transfer_customer_service]]></MsgType>", "transfer_customer_service")]
    [InlineData("<MsgType><![CDATA[news]]></MsgType><ArticleCount>0</ArticleCount><Articles></Articles>", "news")]
    public void A_reply_without_a_customer_service_form_is_not_mapped(string body, string type)
    {
        Assert.Null(CustomMessage.From(Encoding.UTF8.GetBytes(Head + body + "</xml>"), out var msgType));
        Assert.Equal(type, msgType);
    }

    private static JsonElement Map(string body, out string msgType)
    {
        var json = CustomMessage.From(Encoding.UTF8.GetBytes(Head + body + "</xml>"), out msgType);
        Assert.NotNull(json);
        return JsonDocument.Parse(json).RootElement;
    }
}
