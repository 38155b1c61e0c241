package dev.tempdb.sym.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte over a socket, for what java.net.http will not send: header values
 * with odd spacing, and requests that stop half way.
 */
final class RawHttp {
  private RawHttp() {}

  /** A complete answer: status code and body (the server closes after it: Connection: close). */
  record Answer(int status, String body) {}

  /** Sends one POST with exactly these header lines and body, and reads the whole answer. */
  static Answer post(int port, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    try (Socket socket = connect(port)) {
      socket.setSoTimeout(10_000);
      StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\n");
      head.append("Host: 127.0.0.1\r\nConnection: close\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("\r\n");
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      String answer = new String(readToEnd(socket.getInputStream()), StandardCharsets.UTF_8);
      int status = Integer.parseInt(answer.substring(9, 12));
      int bodyStart = answer.indexOf("\r\n\r\n");
      return new Answer(status, bodyStart < 0 ? "" : answer.substring(bodyStart + 4));
    }
  }

  /**
   * Opens a connection and sends {@code sent} of a request, then nothing more: the caller keeps the
   * socket open, as a slow or hostile client would.
   */
  static Socket stall(int port, String sent) throws IOException {
    Socket socket = connect(port);
    socket.getOutputStream().write(sent.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return socket;
  }

  /** Headers that promise a body of {@code length} bytes, followed by only the first few. */
  static String headersThenPartOfTheBody(String path, int length) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + length
        + "\r\n\r\n{\"event\":";
  }

  /**
   * True once the server has closed the connection (end of stream or reset). Waits at most 100 ms,
   * so it can be polled.
   */
  static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(100);
    try {
      InputStream in = socket.getInputStream();
      int read;
      do {
        read = in.read(); // a 408 or similar may come before the close; skip over it
      } while (read != -1);
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    return socket;
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
