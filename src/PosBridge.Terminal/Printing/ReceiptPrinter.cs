using System.Net.Sockets;
using PosBridge.Till.Receipts;

namespace PosBridge.Terminal.Printing;

public enum PrintStatus
{
    Printed,

    /// <summary>The till has no printer configured.</summary>
    NotConfigured,

    /// <summary>The printer refused the connection or cannot be reached (off, unplugged, wrong address).</summary>
    Offline,

    /// <summary>The printer did not take the receipt in time (busy, out of paper with a full buffer, network gone).</summary>
    TimedOut,
}

/// <summary>What became of a print; <see cref="Message"/> is for the cashier and the log.</summary>
public sealed record PrintResult(PrintStatus Status, string Message)
{
    public bool IsPrinted => Status == PrintStatus.Printed;
}

/// <summary>
/// The till's receipt printer. Takes a receipt already rendered for it (<see cref="ReceiptRenderer.RenderEscPos"/>
/// with <see cref="Format"/>); expected failures are results, never exceptions.
/// </summary>
public interface IReceiptPrinter
{
    /// <summary>Paper width, QR mode and code page the printer needs.</summary>
    EscPosOptions Format { get; }

    Task<PrintResult> PrintAsync(ReadOnlyMemory<byte> escPos, CancellationToken cancellationToken = default);
}

/// <summary>A till with no printer: every print says so, so the cashier offers the receipt by SMS or e-mail instead.</summary>
public sealed class NoReceiptPrinter : IReceiptPrinter
{
    public EscPosOptions Format { get; } = EscPosOptions.Paper80mm;

    public Task<PrintResult> PrintAsync(ReadOnlyMemory<byte> escPos, CancellationToken cancellationToken = default) =>
        Task.FromResult(new PrintResult(PrintStatus.NotConfigured, "No receipt printer is configured on this till."));
}

/// <summary>
/// A network thermal printer on raw TCP ("port 9100", "JetDirect"): the ESC/POS bytes go down one connection,
/// which is then closed. Such printers never answer, so "printed" means every byte was taken and the connection
/// closed cleanly within <see cref="PrinterOptions.Timeout"/>.
/// </summary>
public sealed class NetworkReceiptPrinter : IReceiptPrinter
{
    private readonly PrinterOptions _options;

    public NetworkReceiptPrinter(PrinterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Format = options.EscPos();
    }

    public EscPosOptions Format { get; }

    public async Task<PrintResult> PrintAsync(ReadOnlyMemory<byte> escPos, CancellationToken cancellationToken = default)
    {
        var where = $"{_options.Host}:{_options.Port}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        using var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(_options.Host!, _options.Port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(escPos, timeout.Token).ConfigureAwait(false);
                await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
                // Half-close and wait for the printer to close its side: the bytes left the till's buffers.
                client.Client.Shutdown(SocketShutdown.Send);
                var buffer = new byte[256];
                while (await stream.ReadAsync(buffer, timeout.Token).ConfigureAwait(false) > 0)
                {
                    // Some printers send status bytes; they are not read as an answer.
                }
            }

            return new PrintResult(PrintStatus.Printed, $"Printed on {where}.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PrintResult(PrintStatus.TimedOut, $"The printer at {where} did not take the receipt within {_options.Timeout.TotalSeconds:0} s: check it is on, has paper and is on the network.");
        }
        catch (SocketException e)
        {
            return new PrintResult(PrintStatus.Offline, $"The printer at {where} cannot be reached ({e.SocketErrorCode}): check it is on and connected.");
        }
        catch (IOException e)
        {
            return new PrintResult(PrintStatus.Offline, $"The printer at {where} dropped the connection: {e.Message}");
        }
    }
}

/// <summary>The till's receipt printer (section <c>Printer</c>).</summary>
public sealed class PrinterOptions
{
    public const string Section = "Printer";

    /// <summary>"none" (the default) or "network" (raw TCP, port 9100).</summary>
    public string Kind { get; set; } = "none";

    /// <summary>The printer's address on the shop network (e.g. 192.168.1.50).</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 9100;

    /// <summary>How long connecting and sending the receipt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>"80mm" (48 columns) or "58mm" (32 columns).</summary>
    public string Paper { get; set; } = "80mm";

    /// <summary>The printer draws QR codes itself (<c>GS ( k</c>); off: the till sends them as images.</summary>
    public bool NativeQr { get; set; } = true;

    /// <summary>The printer has the Arabic code page PC864 (see <see cref="EscPosOptions.ArabicCodePage"/>).</summary>
    public bool ArabicCodePage { get; set; }

    /// <summary>The printer's number for PC864 in <c>ESC t n</c> (37 on Epson).</summary>
    public byte ArabicCodeTable { get; set; } = 37;

    public EscPosOptions EscPos()
    {
        var format = Paper == "58mm" ? EscPosOptions.Paper58mm : EscPosOptions.Paper80mm;
        format.NativeQr = NativeQr;
        format.ArabicCodePage = ArabicCodePage;
        format.ArabicCodeTable = ArabicCodeTable;
        return format;
    }

    /// <summary>Every problem with these options, named; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Kind is not ("none" or "network"))
        {
            problems.Add($"Printer:Kind '{Kind}' is not 'none' or 'network'.");
        }

        if (Kind == "network")
        {
            if (string.IsNullOrWhiteSpace(Host) || Uri.CheckHostName(Host) == UriHostNameType.Unknown)
            {
                problems.Add($"Printer:Host '{Host}' must be the printer's address (e.g. 192.168.1.50).");
            }

            if (Port is < 1 or > 65535)
            {
                problems.Add($"Printer:Port {Port} must be 1–65535 (network printers listen on 9100).");
            }

            if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(1))
            {
                problems.Add($"Printer:Timeout {Timeout} must be positive and at most a minute.");
            }
        }

        if (Paper is not ("80mm" or "58mm"))
        {
            problems.Add($"Printer:Paper '{Paper}' is not '80mm' or '58mm'.");
        }

        return problems;
    }

    /// <summary>The printer these options describe.</summary>
    public IReceiptPrinter Create() => Kind == "network" ? new NetworkReceiptPrinter(this) : new NoReceiptPrinter();
}
