// The IDaaS stand-in on its own: dotnet run --project samples/IdaasStandIn -- --urls http://127.0.0.1:5102
var app = IdaasStandIn.IdaasApp.Create(args);
app.Run();
