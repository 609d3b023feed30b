using CaseFlow.Workflows.Runtime;

namespace CaseFlow.Server.Escalation;

/// <summary>Fires due workflow timers (SLA limits, warnings, follow-ups, cron triggers) from the database rows.</summary>
public sealed class WorkflowTimerService(WorkflowTimerPump pump, ILogger<WorkflowTimerService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pump.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(ex, "The workflow timer pump failed; restarting it");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }
}
