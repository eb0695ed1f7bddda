// The sample bot on its own: dotnet run --project samples/SampleBot -- --urls http://127.0.0.1:5101
var app = SampleBot.BotApp.Create(args);
app.Run();
