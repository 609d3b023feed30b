using CaseFlow.Server.Hosting;

var builder = ServerComposition.CreateBuilder(args);
builder.AddCaseFlowServer();

var app = builder.Build();
await app.UseCaseFlowAsync();
await app.RunAsync();

public partial class Program;
