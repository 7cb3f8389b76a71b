// Starts Amazon DynamoDB Local listening on 127.0.0.1 only. DynamoDB Local has no option for the
// address it binds (its Jetty server takes every interface), so this launcher builds the server the
// way DynamoDB Local's own main does, from the same command-line options, and sets the host of its
// Jetty connector to the loopback address before starting it. Run with Java 17's source launcher:
//   java -cp "DynamoDBLocal.jar:DynamoDBLocal_lib/*" dynamodb-local-on-loopback.java -port 8000 -inMemory
// See tools/local/engines.ts.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server is private; its connector is not started yet, so its host can still change.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
