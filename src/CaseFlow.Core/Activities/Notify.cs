using CaseFlow.Core.Escalation;
using CaseFlow.Workflows.Activities;
using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Core.Activities;

/// <summary>
/// Records a message for the assigned officer, the Head of Department or the complainant on the case.
/// It reaches them through the systems watching case events (SMS gateway, department MIS, e-mail).
/// </summary>
[Activity("CaseFlow", "Notify", DisplayNameHi = "सूचना भेजें", DescriptionHi = "शिकायत के बारे में अधिकारी या शिकायतकर्ता को संदेश भेजता है।", Category = "CaseFlow", Description = "Sends a message about the case to an officer or the complainant.")]
[Input("recipient", "String", DisplayNameHi = "किसे", DescriptionHi = "मामला जिस अधिकारी के पास है, शिकायत के विभाग और ज़िले में किसी स्तर का पद, विभागाध्यक्ष (L3), ज़िलाधिकारी, मुख्य सचिव का समीक्षा प्रकोष्ठ, या शिकायतकर्ता।", DisplayName = "To", DefaultValue = "assigned-officer", UiHint = UiHints.Dropdown,
    Choices = "assigned-officer,l1-post,l2-post,l3-post,l4-post,head-of-department,district-magistrate,chief-secretary-cell,complainant",
    Description = "The officer the case is with when the notice is sent, the post at a level in the case's department and district (the level's officer, whoever holds the case), the Head of Department (L3), the district's District Magistrate, the Chief Secretary's review cell, or the complainant.")]
[Input("message", "String", DisplayNameHi = "संदेश", DescriptionHi = "शिकायत से भरे जाने वाले स्थान: {case}, {level}, {post}, {department}, {district}, {category}, {due}।", DisplayName = "Message", UiHint = UiHints.Multiline,
    Description = "Placeholders filled from the case: {case}, {level}, {post}, {department}, {district}, {category}, {due}.")]
[Outcomes(Done)]
public sealed class Notify : Activity
{
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var step = await CaseActivity.StepAsync(context);
        var number = step.Case.Number;
        var recipient = context.HasInput("recipient") ? context.EvaluateString("recipient") ?? "assigned-officer" : "assigned-officer";
        if (!NotifyCase.Recipients.Contains(recipient))
            throw new InvalidOperationException($"{context.Node.Label}: recipient '{recipient}' is not one of {string.Join(", ", NotifyCase.Recipients)}.");
        var message = context.EvaluateString("message");
        if (string.IsNullOrWhiteSpace(message))
            throw new InvalidOperationException($"{context.Node.Label}: the message is empty.");
        CaseActivity.Apply(context, step, new NotifyCase(number, recipient, message));
        context.Complete(Done);
    }
}
