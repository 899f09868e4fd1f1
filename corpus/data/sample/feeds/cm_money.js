data_callback([
{
	"title":"10年期美债收益率跌破4% 市场押注美联储1月按兵不动",
	"digest":"",
	"docurl":"{base}/3g/money/article/KJB6H2QF00259DLP.html",
	"commenturl":"",
	"tienum":128,
	"tlastid":"",
	"tlink":"{base}/3g/money/article/KJB6H2QF00259DLP.html",
	"label":"其它",
	"keywords":[{"akey_link":"/keywords/美/债/美债.html","keyname":"美债"}],
	"time":"01/22/2026 22:40:16",
	"newstype":"article",
	"imgurl":"",
	"add1":"",
	"add2":"",
	"add3":"",
	"pics3":[],
	"channelname":"money",
	"source":"每日经济新闻"
},
{
	"title":"2025年我国货物贸易进出口总值45.47万亿元 对美进出口下降",
	"docurl":"{base}/money/article/KJ3M8S5B00259DLP.html",
	"tienum":2311,
	"tlink":"{base}/money/article/KJ3M8S5B00259DLP.html",
	"time":"01/14/2026 11:05:51",
	"newstype":"article",
	"imgurl":"",
	"channelname":"money",
	"source":"新京报"
},
{
	"title":"国际金价年内涨超65% 机构对2026年走势分歧加大",
	"docurl":"{base}/money/article/KI9R4D2C00259DLP.html?f=post1603_tab_news",
	"tienum":904,
	"time":"12/26/2025 16:48:02",
	"newstype":"article",
	"channelname":"money",
	"source":"证券时报"
},
{
	"title":"美方放行H200对华出口 国产AI芯片厂商：影响有限",
	"docurl":"{base}/tech/article/KHG1Z6XM00097U7R.html",
	"tienum":657,
	"time":"12/09/2025 10:21:44",
	"newstype":"article",
	"channelname":"tech",
	"source":"第一财经"
},
{
	"title":"日本英国增持 中国减持 美债海外买家“换血”",
	"docurl":"{base}/news/article/KFS2L7PA0001899O.html",
	"tienum":1520,
	"time":"11/20/2025 07:32:10",
	"newstype":"article",
	"channelname":"news",
	"source":"中国新闻网"
},
{
	"title":"金砖国家财长会聚焦跨境支付 多国呼吁改革国际货币体系",
	"docurl":"{base}/m/news/article/KE8V3N1P0001899O.html",
	"tienum":388,
	"time":"10/15/2025 09:12:37",
	"newstype":"article",
	"channelname":"news",
	"source":"环球时报"
},
{
	"title":"美债持仓跌至6826亿美元：中国为何选在这个时点继续减持？",
	"docurl":"{base}/dy/article/KJ2A7Q3M0556F1TX.html?f=post2020_dy_recommends",
	"tienum":3407,
	"time":"01/19/2026 20:15:33",
	"newstype":"article",
	"channelname":"dy",
	"source":"宏观视界君"
},
{
	"title":"美方对2000亿美元中国输美商品加征关税税率提至25% 中方回应",
	"docurl":"{base}/news/19/0510/08/EF7KQ2M40001875P.html",
	"tienum":50213,
	"time":"05/10/2019 08:12:45",
	"newstype":"article",
	"channelname":"news",
	"source":"新华网"
},
]);
