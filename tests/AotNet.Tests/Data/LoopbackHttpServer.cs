using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AotNet.Tests.Data;

/// <summary>A tiny HTTP/1.1 server on 127.0.0.1 serving fixed responses by path (for download tests).</summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Dictionary<string, (int Status, byte[] Body)> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<NetworkStream, CancellationToken, Task>> _raw = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackHttpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoop);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

    public int Requests { get; private set; }

    public void Serve(string path, int status, byte[] body) => _routes["/" + path] = (status, body);

    /// <summary>Answers <paramref name="path"/> by writing whatever <paramref name="respond"/> writes (truncated or stalled responses).</summary>
    public void ServeRaw(string path, Func<NetworkStream, CancellationToken, Task> respond) => _raw["/" + path] = respond;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            using (client)
            {
                await Handle(client.GetStream());
            }
        }
    }

    private async Task Handle(NetworkStream stream)
    {
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Requests++;
        string path = request.ToString().Split(' ')[1];
        if (_raw.TryGetValue(path, out var respond))
        {
            try
            {
                await respond(stream, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
            }

            return;
        }

        (int status, byte[] body) = _routes.TryGetValue(path, out var route) ? route : (404, "not found"u8.ToArray());
        string head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
        await stream.WriteAsync(body, _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }
}
