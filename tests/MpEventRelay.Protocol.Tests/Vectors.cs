using System.Text;

namespace MpEventRelay.Protocol.Tests;

/// <summary>The test vectors of docs/wechat-protocol.md §9, verbatim.</summary>
internal static class Vectors
{
    public static class V1
    {
        public const string Token = "AAAAA";
        public const string Key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        public const string AppId = "wxba5fad812f8e6fb9";
        public const string SecureEncrypt = "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=";
        public const string SecureMessage = "{\"ToUserName\":\"gh_97417a04a28d\",\"FromUserName\":\"o9AgO5Kd5ggOC-bXrbNODIiE3bGY\",\"CreateTime\":1714112445,\"MsgType\":\"event\",\"Event\":\"debug_demo\",\"debug_str\":\"hello world\"}";
        public const string ReplyEncrypt = "ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==";
    }

    public static class V2
    {
        public const string Token = "spamtest";
        public const string Key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        public const string AppId = "wx2c2769f8efd9abc2";
        public const string Timestamp = "1409735669";
        public const string Nonce = "1320562132";
        public const string MsgSignature = "5d197aaffba7e9b25a30732f161a50dee96bd5fa";
        public const string Signature = "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a";
        public const string Encrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";
        public const string Body = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[" + Encrypt + "]]></Encrypt></xml>";
        public const string Decrypted = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>";
    }

    public static class V3
    {
        public const string Token = "pamtest";
        public const string Key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        public const string AppId = "wxb11529c136998cb6";
        public const string Message = "我是中文abcd123";
        public const string Encrypt = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";
        public const string MsgSignature = "82c962d39941aa48552f90ef55aa323dc620cc10";
    }

    public static class V4
    {
        public const string Token = "QDG6eK";
        public const string Key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
        public const string AppId = "wx5823bf96d3bd56c7";
        public const string MsgSignature = "477715d11cdb4164915debcba66cb864d751f3e6";
        public const string Encrypt = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==";
        public const string Decrypted = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>";
    }

    public static class V5
    {
        public const string Token = "spamtest";
        public const string Key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        public const string AppId = "wx2c2769f8efd9abc2";
        public const string Timestamp = "1714112445";
        public const string Nonce = "415670741";
        public const string Message = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1714112445</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket></xml>";
        public const string Encrypt = "jn1L23DB+6ELqJ+6bruv23bYF/d/cxBf0szhrD8BQ1MkorjFwC0rHlVODYXVB9IoP0Lb+II+2i4LRFnooLYmHrdeBv2k+w4VTyUBwmqGDznR7gxJE4Z8Zun1zC9SSjskypbJ4lTjhY7Sl6FhdGR1lCMVWfE2+f5SUzGtGL5hKtIjq4OXR+OI6tAt0hwBhIw/+EY1HNMtfQKNVYh6F4o2pidmeIrQfX6X19si5F6idEMMokquI61B11gNhJfGnjSkC84Njhc/DR1HjUS3Rg22ePBWzk/6Ajjn8M4oL57TsRP7wUEPgUgoz4BgBltubPm9uhxyTIJUV7yQgAQksUu4qZYKi0OObgn8d8UrZkbb+jv0j7hRCupDhTdnHqLJ+ybv0xygXm48dRFvSZtADCiD3r1DkQOXcT/VCAawUq6c6NQDJ9CGDZkOw0b5KloGGaucVu9KZ0U9h2jHBd1r2F69lOZdg1TmjMXpte1laMb4AcQaA9JB7soyzoipaDMookul";
        public const string MsgSignature = "da342eb77acd7fa8644f3b013b1a6154a240cfcc";
        public const string Signature = "39dac5c557c8580f7443b6b6891fd92b033a4ec9";
        public const string SecureBody = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" + Encrypt + "]]></Encrypt></xml>";
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
}
