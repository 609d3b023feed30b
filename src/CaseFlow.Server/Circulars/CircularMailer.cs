using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CaseFlow.Server.Circulars;

/// <summary>Mails a circular to its recipients: the HTML as the body, the PDF (when printed) attached.</summary>
public sealed class CircularMailer(SmtpOptions options)
{
    public bool Configured => !string.IsNullOrWhiteSpace(options.Host);

    public async Task SendAsync(string subject, IReadOnlyList<string> recipients, string html, byte[]? pdf, string attachmentName, CancellationToken ct)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var r in recipients) message.To.Add(MailboxAddress.Parse(r));
        message.Subject = subject;
        var body = new BodyBuilder { HtmlBody = html };
        if (pdf is not null) body.Attachments.Add(attachmentName + ".pdf", pdf, new ContentType("application", "pdf"));
        message.Body = body.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(options.Host ?? throw new InvalidOperationException("CaseFlow:Smtp:Host is not set."), options.Port, options.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(options.UserName))
            await client.AuthenticateAsync(options.UserName, options.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}
