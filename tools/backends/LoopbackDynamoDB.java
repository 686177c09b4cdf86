// Runs DynamoDB Local bound to one address (127.0.0.1 by default). Its own ServerRunner builds a
// Jetty Server(port), which listens on every interface and has no option to choose one; this
// launcher builds the same server from the same command line and sets the connector's host before
// starting it. Run as a single-file source program: java -cp 'lib/*' LoopbackDynamoDB.java ARGS
// (-Dstrata.dynamodb.host=ADDR to choose the address).
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

public class LoopbackDynamoDB {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("strata.dynamodb.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field f = DynamoDBProxyServer.class.getDeclaredField("server");
    f.setAccessible(true);
    Server jetty = (Server) f.get(proxy);
    for (Connector c : jetty.getConnectors()) {
      if (c instanceof ServerConnector) ((ServerConnector) c).setHost(host);
    }
    proxy.start();
    System.out.println("DynamoDB Local listening on " + host + " (" + String.join(" ", args) + ")");
    proxy.join();
  }
}
