using CaseFlow.Server.Telemetry;
using CaseFlow.Workflows.Runtime;
using Microsoft.Extensions.Options;

namespace CaseFlow.Server.Escalation;

/// <summary>
/// Fires due workflow timers (SLA limits, warnings, follow-ups, cron triggers) from the database rows.
/// Between rounds it sleeps until the next due time on the business clock, but never longer than the
/// poll interval in real time: a timer another server (or a step on this one) created meanwhile may be
/// due sooner than anything this round saw, and the business clock may have been set rather than run.
/// </summary>
public sealed class WorkflowTimerService(WorkflowTimerPump pump, WorkflowOptions options,
    CaseFlowMetrics metrics, ILogger<WorkflowTimerService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = options.TimerPoll;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                TimerRound round;
                // A round's span is the parent of the steps' writer batches (linked there) and says how many timers it ran.
                using (var span = CaseFlowMetrics.Traces.StartActivity("caseflow.timers.sweep"))
                {
                    var before = pump.Fired;
                    round = await pump.RunRoundAsync(stoppingToken);
                    var fired = (int)(pump.Fired - before);
                    metrics.TimersFired(fired);
                    span?.SetTag("caseflow.timers.fired", fired);
                }
                await pump.WaitAsync(round, poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Firing workflow timers failed; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }
}
