using System.Security.Cryptography;

namespace PosBridge.Connector.Storage;

/// <summary>
/// This connector process among those sharing one database: what holds a delivery lease (and, with several instances,
/// names the instance to Quartz). Random per start, so a restarted process is a new instance and never mistakes an
/// old lease for its own.
/// </summary>
internal sealed record ConnectorInstance(string Id)
{
    public static ConnectorInstance New() => new(RandomNumberGenerator.GetHexString(16, lowercase: true));
}
