using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PosBridge.Connector.Tests.Receipts;

/// <summary>
/// A minimal SMTP server (RFC 5321) on a loopback port: greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA with
/// dot-unstuffing, RSET, NOOP, QUIT. It keeps every message accepted, can refuse the next recipients with a
/// given reply, and records anything out of protocol (a command it does not know or one out of order) as a
/// problem the test asserts is empty — it never guesses what a client meant.
/// </summary>
internal sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly Lock _lock = new();
    private readonly Queue<string> _recipientReplies = new();

    public FakeSmtpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public List<SmtpMessage> Messages { get; } = [];

    public List<string> Problems { get; } = [];

    /// <summary>The next RCPT TO is answered with <paramref name="reply"/> (e.g. "451 4.3.0 try later", "550 5.1.1 no such user").</summary>
    public void RefuseNextRecipient(string reply)
    {
        lock (_lock)
        {
            _recipientReplies.Enqueue(reply);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 fake.smtp.test ESMTP ready");
        string? greeted = null, from = null;
        var to = new List<string>();
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO" when line.Length > 5:
                        greeted = line[5..];
                        from = null;
                        to.Clear();
                        // No extensions offered: no AUTH, no STARTTLS, no 8BITMIME, so the client must send 7-bit.
                        await writer.WriteLineAsync("250 fake.smtp.test");
                        break;
                    case "MAIL" when greeted is not null && from is null && line.StartsWith("MAIL FROM:<", StringComparison.OrdinalIgnoreCase) && line.EndsWith('>'):
                        from = line[11..^1];
                        await writer.WriteLineAsync("250 2.1.0 OK");
                        break;
                    case "RCPT" when from is not null && line.StartsWith("RCPT TO:<", StringComparison.OrdinalIgnoreCase) && line.EndsWith('>'):
                        string? refusal = null;
                        lock (_lock)
                        {
                            _recipientReplies.TryDequeue(out refusal);
                        }

                        if (refusal is not null)
                        {
                            await writer.WriteLineAsync(refusal);
                        }
                        else
                        {
                            to.Add(line[9..^1]);
                            await writer.WriteLineAsync("250 2.1.5 OK");
                        }

                        break;
                    case "DATA" when line.Length == 4 && from is not null && to.Count > 0:
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        lock (_lock)
                        {
                            Messages.Add(new SmtpMessage(from, [.. to], data.ToString()));
                        }

                        from = null;
                        to.Clear();
                        await writer.WriteLineAsync("250 2.0.0 queued");
                        break;
                    case "RSET" when line.Length == 4:
                        from = null;
                        to.Clear();
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "NOOP" when line.Length == 4:
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    case "QUIT" when line.Length == 4:
                        await writer.WriteLineAsync("221 2.0.0 bye");
                        return;
                    default:
                        lock (_lock)
                        {
                            Problems.Add($"unexpected SMTP command: {line}");
                        }

                        await writer.WriteLineAsync("503 5.5.1 unexpected command");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up, or the server is stopping.
        }
    }
}

/// <summary>A message as the server received it: envelope and the raw DATA (headers, blank line, body).</summary>
internal sealed record SmtpMessage(string From, IReadOnlyList<string> To, string Data)
{
    public string Header(string name) =>
        Data.Split("\r\n").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim()
        ?? throw new InvalidOperationException($"The message has no {name} header:\n{Data}");

    /// <summary>The body, decoded from the base64 or 7-bit transfer encoding the client chose.</summary>
    public string Body
    {
        get
        {
            var split = Data.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var raw = Data[(split + 4)..];
            return Header("Content-Transfer-Encoding").Equals("base64", StringComparison.OrdinalIgnoreCase)
                ? Encoding.UTF8.GetString(Convert.FromBase64String(raw.Replace("\r\n", string.Empty, StringComparison.Ordinal)))
                : raw;
        }
    }
}
