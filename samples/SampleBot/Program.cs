// The sample bot on its own: dotnet run --project samples/SampleBot -- --urls http://127.0.0.1:5101
var app = SampleBot.BotApp.Create(Environment.GetEnvironmentVariable("BOT_APPID") ?? "wxdemo0000000000", args);
app.Run();
