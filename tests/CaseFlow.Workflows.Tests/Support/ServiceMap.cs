namespace CaseFlow.Workflows.Tests.Support;

/// <summary>A minimal IServiceProvider: tests never start a host.</summary>
public sealed class ServiceMap : IServiceProvider
{
    private readonly Dictionary<Type, object> _services = [];

    public ServiceMap Add<T>(T service) where T : notnull
    {
        _services[typeof(T)] = service;
        return this;
    }

    public object? GetService(Type serviceType) => _services.GetValueOrDefault(serviceType);
}
