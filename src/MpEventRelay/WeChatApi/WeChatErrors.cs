namespace MpEventRelay.WeChatApi;

/// <summary>What WeChat's API error codes mean for an operator, for the log line that reports one.</summary>
internal static class WeChatErrors
{
    public static string Meaning(int code) => code switch
    {
        ApiAnswer.Unreachable => "WeChat's API was not reached or gave no usable answer",
        0 => "ok",
        -1 => "WeChat is busy; tried again with backoff",
        41001 => "the access token is missing",
        40001 => "the access token is invalid or was replaced",
        40003 => "the OpenID is not a follower of this account",
        40013 => "the AppId is invalid",
        40014 => "the access token is malformed",
        40125 => "the AppSecret is wrong",
        40164 => "this server's IP address is not in the account's API IP whitelist",
        42001 => "the access token expired",
        45002 => "the message is too long (text: 2,048 bytes)",
        45009 => "the API's daily quota is used up",
        45011 => "the API's minute quota is used up",
        45015 => "the user's 48-hour window is closed, or the user unfollowed: no customer-service message can be sent",
        45047 => "the quota of customer-service messages for this user is used up (5 after a message, 3 in a minute after a follow, scan or click)",
        48001 => "the account is not authorised for this API (customer-service messages need a verified service account)",
        _ => "see WeChat's global return codes",
    };
}
