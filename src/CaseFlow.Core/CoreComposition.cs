using CaseFlow.Core.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace CaseFlow.Core;

public static class CoreComposition
{
    /// <summary>
    /// The domain services. The host supplies the storage (<see cref="ICaseStore"/>), the directory
    /// (<see cref="Directory.IDirectoryProvider"/>) and a <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddCaseFlowCore(this IServiceCollection services)
    {
        services.AddSingleton<CaseService>();
        return services;
    }
}
