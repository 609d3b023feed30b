using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Workflows.Activities;

[Activity("Elsa", "RunJavaScript", DisplayNameHi = "जावास्क्रिप्ट चलाएँ", DisplayName = "Run JavaScript", Category = "Scripting",
    Description = "Runs a script with the workflow's variables and inputs in reach; its value is the activity's Result.")]
[Input("script", "String", UiHint = UiHints.JavaScript, Description = "The script; a top-level return gives its result, as in Elsa.")]
[Outcomes(Done)]
public sealed class RunJavaScript : Activity
{
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var script = context.EvaluateString("script");
        if (string.IsNullOrWhiteSpace(script))
        {
            context.Complete(Done);
            return ValueTask.CompletedTask;
        }
        // Elsa runs the text as a function body, so `return x` works at the top level; a bare expression's value is
        // the result too.
        var source = script.Contains("return", StringComparison.Ordinal) ? $"(function () {{\n{script}\n}})()" : script;
        var result = context.Evaluate(Model.ExpressionTypes.JavaScript, System.Text.Json.JsonSerializer.SerializeToElement(source));
        context.SetOutput("Result", result);
        context.Complete(Done);
        return ValueTask.CompletedTask;
    }
}
