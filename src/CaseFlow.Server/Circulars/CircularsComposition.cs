namespace CaseFlow.Server.Circulars;

public static class CircularsComposition
{
    /// <summary>
    /// Rankings, recurring complaints and circulars: SQL aggregation, snapshots, Scriban templates, the archive,
    /// Chromium PDFs and SMTP mail. Needs <see cref="CircularOptions"/>, <see cref="SmtpOptions"/> and the
    /// <see cref="ScorecardStore"/> (built where the shipped file's path is known).
    /// </summary>
    public static IServiceCollection AddCaseFlowCirculars(this IServiceCollection services)
    {
        services.AddSingleton<RankingQueries>();
        services.AddSingleton<RankingSnapshots>();
        services.AddSingleton(sp => new TemplateStore(sp.GetRequiredService<Persistence.CaseFlowDatabase>(),
            sp.GetRequiredService<CircularOptions>().ResolvedTemplatesDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CircularRenderer>();
        services.AddSingleton<CircularArchive>();
        services.AddSingleton(sp => new PdfPrinter(sp.GetRequiredService<CircularOptions>().ChromiumPath, sp.GetRequiredService<ILogger<PdfPrinter>>()));
        services.AddSingleton<CircularMailer>();
        services.AddSingleton<CircularDeliveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<CircularDeliveryService>());
        services.AddSingleton<WeeklyReview>();
        services.AddSingleton<Core.Ranking.IWeeklyReview>(sp => sp.GetRequiredService<WeeklyReview>());
        return services;
    }
}
