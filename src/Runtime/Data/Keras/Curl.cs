using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Text;

namespace AotNet.Data.Keras;

/// <summary>What an HTTP GET delivers: the head of the final response, then its body in pieces.</summary>
/// <remarks>Both are called on the downloading thread; an exception thrown by either stops the transfer and is
/// rethrown by <see cref="Curl.Get"/>.</remarks>
internal interface IHttpReceiver
{
    /// <summary>The final response's status line and announced length (null when not announced).</summary>
    void Head(int status, string reason, long? contentLength);

    /// <summary>The next bytes of the body.</summary>
    void Body(ReadOnlySpan<byte> data);
}

/// <summary>A transfer failed in the network or the HTTP layer (the message is libcurl's), or libcurl is not there
/// (<see cref="Unavailable"/>).</summary>
internal sealed class HttpTransferException(string message, bool unavailable = false) : Exception(message)
{
    /// <summary>No usable libcurl: nothing can be downloaded on this machine.</summary>
    public bool Unavailable { get; } = unavailable;
}

/// <summary>
/// HTTP(S) GET through the system's libcurl, loaded when the first download starts. Why not HttpClient: .NET's HTTP
/// stack (System.Net.Http, Security, Sockets and the OpenSSL shim, about 1.7 MB of the native binary) would ship in
/// every binary for a download that happens once per machine; libcurl is on nearly every Linux system (the curl command
/// uses it) and brings TLS, redirects and the usual proxy variables (<c>http_proxy</c>, <c>https_proxy</c>,
/// <c>no_proxy</c>; <c>HTTP_PROXY</c> is honoured here as HttpClient does). <c>AOTNET_LIBCURL</c> names another library file.
/// </summary>
internal static unsafe class Curl
{
    /// <summary>The environment variable that names the libcurl file to load instead of the system's.</summary>
    public const string LibraryVariable = "AOTNET_LIBCURL";

    private const int OptLong = 0, OptPointer = 10000, OptFunction = 20000;
    private const int WriteData = OptPointer + 1, Url = OptPointer + 2, ErrorBuffer = OptPointer + 10, UserAgent = OptPointer + 18;
    private const int HeaderData = OptPointer + 29, XferInfoData = OptPointer + 57, Proxy = OptPointer + 4;
    private const int WriteFunction = OptFunction + 11, HeaderFunction = OptFunction + 79, XferInfoFunction = OptFunction + 219;
    private const int NoProgress = OptLong + 43, FollowLocation = OptLong + 52, MaxRedirs = OptLong + 68, NoSignal = OptLong + 99;
    private const int Protocols = OptLong + 181, RedirProtocols = OptLong + 182, SuppressConnectHeaders = OptLong + 265;
    private const int InfoOsErrno = 0x200000 + 25;
    private const long ProtocolHttp = 1, ProtocolHttps = 2;

    private static readonly Lock Gate = new();
    private static Api? _api;
    private static string? _loadError;

    /// <summary>
    /// Downloads <paramref name="url"/> into <paramref name="receiver"/>, following up to 10 redirects (http and https
    /// only). Blocks until the transfer ends; checks <paramref name="cancellation"/> at least about once a second.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    /// <exception cref="HttpTransferException">libcurl is missing, or the transfer failed (message from libcurl).</exception>
    public static void Get(string url, IHttpReceiver receiver, CancellationToken cancellation)
    {
        Api api = Load();
        nint handle = api.EasyInit();
        if (handle == 0)
        {
            throw new HttpTransferException("libcurl could not start a transfer (curl_easy_init failed)");
        }

        var transfer = new Transfer(receiver, cancellation);
        GCHandle self = GCHandle.Alloc(transfer);
        byte* error = stackalloc byte[256]; // CURL_ERROR_SIZE
        error[0] = 0;
        try
        {
            nint user = GCHandle.ToIntPtr(self);
            fixed (byte* urlText = Utf8(url))
            fixed (byte* agent = "aotnet"u8)
            fixed (byte* proxy = Utf8(ProxyOverride(url) ?? string.Empty))
            {
                Set(api, handle, Url, (nint)urlText);
                Set(api, handle, ErrorBuffer, (nint)error);
                Set(api, handle, UserAgent, (nint)agent);
                Set(api, handle, NoSignal, 1);
                Set(api, handle, FollowLocation, 1);
                Set(api, handle, MaxRedirs, 10);
                Set(api, handle, SuppressConnectHeaders, 1);
                Set(api, handle, NoProgress, 0);
                Set(api, handle, WriteFunction, (nint)(delegate* unmanaged<byte*, nuint, nuint, nint, nuint>)&OnBody);
                Set(api, handle, WriteData, user);
                Set(api, handle, HeaderFunction, (nint)(delegate* unmanaged<byte*, nuint, nuint, nint, nuint>)&OnHeader);
                Set(api, handle, HeaderData, user);
                Set(api, handle, XferInfoFunction, (nint)(delegate* unmanaged<nint, long, long, long, long, int>)&OnTick);
                Set(api, handle, XferInfoData, user);
                _ = api.SetOpt(handle, Protocols, (nint)(ProtocolHttp | ProtocolHttps)); // deprecated in newer libcurl, still honoured
                _ = api.SetOpt(handle, RedirProtocols, (nint)(ProtocolHttp | ProtocolHttps));
                if (proxy[0] != 0)
                {
                    Set(api, handle, Proxy, (nint)proxy);
                }

                int code = api.Perform(handle);
                if (transfer.Failure is { } failure)
                {
                    ExceptionDispatchInfo.Throw(failure);
                }

                if (code != 0)
                {
                    cancellation.ThrowIfCancellationRequested(); // aborted by OnTick
                    throw new HttpTransferException(Describe(api, handle, code, error));
                }

                if (!transfer.Final)
                {
                    throw new HttpTransferException("the server sent no HTTP response");
                }
            }
        }
        finally
        {
            api.Cleanup(handle);
            self.Free();
        }
    }

    private static void Set(Api api, nint handle, int option, nint value)
    {
        int code = api.SetOpt(handle, option, value);
        if (code != 0)
        {
            throw new HttpTransferException($"libcurl refused option {option}: {Marshal.PtrToStringUTF8(api.StrError(code))}");
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");

    /// <summary>HttpClient's rule for plain http: <c>http_proxy</c>, else <c>HTTP_PROXY</c>; libcurl reads only the first.</summary>
    private static string? ProxyOverride(string url) =>
        url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("http_proxy"))
            && Environment.GetEnvironmentVariable("HTTP_PROXY") is { Length: > 0 } proxy
            ? proxy
            : null;

    private static string Describe(Api api, nint handle, int code, byte* error)
    {
        string text = Marshal.PtrToStringUTF8((nint)error) is { Length: > 0 } detail ? detail : Marshal.PtrToStringUTF8(api.StrError(code)) ?? $"libcurl error {code}";
        long osError = 0;
        if (api.GetInfo(handle, InfoOsErrno, (nint)(&osError)) == 0 && osError != 0)
        {
            string reason = Marshal.GetPInvokeErrorMessage((int)osError); // e.g. "Connection refused", which newer libcurl leaves out
            if (!text.Contains(reason, StringComparison.OrdinalIgnoreCase))
            {
                text += ": " + reason;
            }
        }

        return text;
    }

    private static Api Load()
    {
        lock (Gate)
        {
            if (_api is null && _loadError is null)
            {
                (_api, _loadError) = Open();
            }

            return _api ?? throw new HttpTransferException(_loadError!, unavailable: true);
        }
    }

    private static (Api?, string?) Open()
    {
        string? chosen = Environment.GetEnvironmentVariable(LibraryVariable);
        string name = !string.IsNullOrEmpty(chosen) ? chosen
            : OperatingSystem.IsLinux() ? "libcurl.so.4"
            : OperatingSystem.IsMacOS() ? "/usr/lib/libcurl.4.dylib"
            : string.Empty;
        if (name.Length == 0)
        {
            return (null, "downloads use libcurl, which this operating system does not provide");
        }

        if (!NativeLibrary.TryLoad(name, out nint library))
        {
            return (null, !string.IsNullOrEmpty(chosen)
                ? $"{LibraryVariable}='{chosen}' is not a loadable libcurl"
                : $"no usable {name} (libcurl, with the OpenSSL libssl it uses) was found; install it (e.g. apt-get install libcurl4)");
        }

        nint Export(string symbol) => NativeLibrary.TryGetExport(library, symbol, out nint address) ? address : 0;
        nint init = Export("curl_global_init"), easyInit = Export("curl_easy_init"), setOpt = Export("curl_easy_setopt");
        nint perform = Export("curl_easy_perform"), cleanup = Export("curl_easy_cleanup"), strError = Export("curl_easy_strerror");
        nint getInfo = Export("curl_easy_getinfo");
        if (init == 0 || easyInit == 0 || setOpt == 0 || perform == 0 || cleanup == 0 || strError == 0 || getInfo == 0)
        {
            return (null, $"{name} is not libcurl (curl_easy_* functions missing)");
        }

        var api = new Api(easyInit, setOpt, perform, cleanup, strError, getInfo);
        int code = ((delegate* unmanaged<long, int>)init)(3); // CURL_GLOBAL_DEFAULT, once, before any transfer
        return code == 0 ? (api, null) : (null, $"{name}: curl_global_init failed ({Marshal.PtrToStringUTF8(api.StrError(code))})");
    }

    [UnmanagedCallersOnly]
    private static nuint OnHeader(byte* data, nuint size, nuint count, nint user)
    {
        nuint length = size * count;
        var transfer = (Transfer)GCHandle.FromIntPtr(user).Target!;
        try
        {
            transfer.HeaderLine(new ReadOnlySpan<byte>(data, checked((int)length)));
            return length;
        }
        catch (Exception e)
        {
            transfer.Failure ??= e;
            return 0; // a short count ends the transfer (CURLE_WRITE_ERROR)
        }
    }

    [UnmanagedCallersOnly]
    private static nuint OnBody(byte* data, nuint size, nuint count, nint user)
    {
        nuint length = size * count;
        var transfer = (Transfer)GCHandle.FromIntPtr(user).Target!;
        try
        {
            if (!transfer.Final)
            {
                throw new HttpTransferException("the server sent a body before its headers");
            }

            transfer.Receiver.Body(new ReadOnlySpan<byte>(data, checked((int)length)));
            return length;
        }
        catch (Exception e)
        {
            transfer.Failure ??= e;
            return length == 0 ? 1u : 0u; // any other count ends the transfer
        }
    }

    [UnmanagedCallersOnly]
    private static int OnTick(nint user, long downloadTotal, long downloaded, long uploadTotal, long uploaded)
    {
        var transfer = (Transfer)GCHandle.FromIntPtr(user).Target!;
        return transfer.Cancellation.IsCancellationRequested ? 1 : 0; // non-zero aborts (CURLE_ABORTED_BY_CALLBACK)
    }

    /// <summary>One transfer's state: the head being read (redirects and interim responses skipped), the first failure.</summary>
    private sealed class Transfer(IHttpReceiver receiver, CancellationToken cancellation)
    {
        private int _status;
        private string _reason = string.Empty;
        private long? _length;
        private bool _location;

        public IHttpReceiver Receiver { get; } = receiver;

        public CancellationToken Cancellation { get; } = cancellation;

        public Exception? Failure { get; set; }

        public bool Final { get; private set; }

        public void HeaderLine(ReadOnlySpan<byte> raw)
        {
            string line = Encoding.Latin1.GetString(raw).TrimEnd('\r', '\n');
            if (line.StartsWith("HTTP/", StringComparison.Ordinal))
            {
                // "HTTP/1.1 200 OK", "HTTP/2 404": a new response (after a redirect or an interim 1xx)
                string[] parts = line.Split(' ', 3);
                _status = parts.Length > 1 && int.TryParse(parts[1], out int status) ? status : 0;
                _reason = parts.Length > 2 ? parts[2].Trim() : string.Empty;
                _length = null;
                _location = false;
            }
            else if (line.Length == 0)
            {
                // an interim 1xx, or a redirect libcurl follows: the next head comes
                bool passing = _status is >= 100 and < 200 || (_status is >= 300 and < 400 && _location);
                if (!passing)
                {
                    Final = true;
                    Receiver.Head(_status, _reason, _length);
                }
            }
            else if (line.IndexOf(':') is int colon and > 0)
            {
                ReadOnlySpan<char> name = line.AsSpan(0, colon).Trim();
                ReadOnlySpan<char> value = line.AsSpan(colon + 1).Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    _length = long.TryParse(value, out long length) && length >= 0 ? length : null;
                }
                else if (name.Equals("Location", StringComparison.OrdinalIgnoreCase))
                {
                    _location = value.Length > 0;
                }
            }
        }
    }

    /// <summary>The libcurl functions used. curl_easy_setopt and curl_easy_getinfo are variadic in C; every argument
    /// passed here is a pointer or a C long, which the Linux x64 and arm64 calling conventions pass to a variadic
    /// function exactly as to a fixed one. Apple arm64 passes variadic arguments on the stack: there, eight register
    /// arguments come first so the value lands in the first stack slot.</summary>
    private sealed class Api(nint easyInit, nint setOpt, nint perform, nint cleanup, nint strError, nint getInfo)
    {
        private static readonly bool StackVarargs = OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

        public nint EasyInit() => ((delegate* unmanaged<nint>)easyInit)();

        public int SetOpt(nint handle, int option, nint value) => StackVarargs
            ? ((delegate* unmanaged<nint, int, nint, nint, nint, nint, nint, nint, nint, int>)setOpt)(handle, option, 0, 0, 0, 0, 0, 0, value)
            : ((delegate* unmanaged<nint, int, nint, int>)setOpt)(handle, option, value);

        public int GetInfo(nint handle, int info, nint target) => StackVarargs
            ? ((delegate* unmanaged<nint, int, nint, nint, nint, nint, nint, nint, nint, int>)getInfo)(handle, info, 0, 0, 0, 0, 0, 0, target)
            : ((delegate* unmanaged<nint, int, nint, int>)getInfo)(handle, info, target);

        public int Perform(nint handle) => ((delegate* unmanaged<nint, int>)perform)(handle);

        public void Cleanup(nint handle) => ((delegate* unmanaged<nint, void>)cleanup)(handle);

        public nint StrError(int code) => ((delegate* unmanaged<int, nint>)strError)(code);
    }
}
