package io.kuberay.harness.emulated.api;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.kuberay.harness.emulated.store.StoreWatch;
import io.kuberay.harness.emulated.store.WatchEvent;

/**
 * A store watch served over the WebSocket a watch request upgrades to (how fabric8 clients watch).
 * Nothing here blocks the server's event loop: events are sent without waiting, and a close only
 * releases the watch.
 */
public final class WatchSocket extends WebSocketListener {

  private final StoreWatch watch;

  WatchSocket(StoreWatch watch) {
    this.watch = watch;
  }

  /** The store watch this socket serves; the HTTPS front writes it to its own connections. */
  public StoreWatch watch() {
    return watch;
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    watch.connect(
        new StoreWatch.Connection() {
          @Override
          public void send(WatchEvent event) {
            webSocket.send(event.json());
          }

          @Override
          public void end() {
            webSocket.close(1000, "");
          }
        });
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    watch.close();
    webSocket.close(code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    watch.close();
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable error, Response response) {
    watch.close();
  }
}
