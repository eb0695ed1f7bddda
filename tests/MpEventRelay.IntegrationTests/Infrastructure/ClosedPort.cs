using System.Net;
using System.Net.Sockets;

namespace MpEventRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback port where nothing listens, held by this test for its whole life: the socket is bound but never
/// listens, so a connection is refused at once and no other process can take the port meanwhile.
/// </summary>
internal sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
